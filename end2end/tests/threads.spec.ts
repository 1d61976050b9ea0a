// An admin adds a "sentiment dropped" rule; a ticket that opened happily gets an angry follow-up by
// the REST API, escalates through that rule, and the agent sees the thread with its trajectory.
import { expect, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

test("a follow-up arriving by API escalates its ticket through a sentiment-drop rule", async ({ page, browser, request }) => {
  test.setTimeout(360_000);
  await login(page, "admin@example.com", "/rules");
  await waitForHydration(page);
  await page.getByLabel("Name", { exact: true }).fill("E2E souring");
  await page.getByLabel("Queue").fill("care");
  await page.getByLabel("Severity").selectOption("high");
  await page.getByLabel(/Sentiment dropped by at least/).fill("0.8");
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByRole("status")).toContainText('Saved rule "E2E souring"');
  await page.getByRole("button", { name: /^Activate version \d+$/ }).click();
  await expect(page.getByRole("status")).toContainText(/Version \d+ is now active\./);

  // An API token for the integration that posts tickets and follow-ups.
  await page.goto("/tokens");
  await waitForHydration(page);
  await page.getByLabel("Name").fill("Follow-ups");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token").locator("code");
  await expect(shown).toHaveText(/^tl_/);
  const auth = { Authorization: `Bearer ${await shown.textContent()}` };

  const subject = `Speaker pairing ${Date.now() % 100000}`;
  const created = await request.post("/api/v1/tickets", {
    headers: auth,
    data: { subject, body: "Thanks, I love the new speaker, great sound! One quick question about pairing." },
  });
  expect(created.status()).toBe(201);
  const id = (await created.json()).id;
  await expect(async () => {
    const t = await (await request.get(`/api/v1/tickets/${id}`, { headers: auth })).json();
    expect(t.sentiment).not.toBeNull();
  }).toPass({ timeout: 240_000, intervals: [2_000] });

  const followUp = {
    external_id: "e2e-follow-up-1",
    body: "This is terrible. It broke again, worst product ever, I hate it and I am furious.",
  };
  const appended = await request.post(`/api/v1/tickets/${id}/messages`, { headers: auth, data: followUp });
  expect(appended.status()).toBe(201);
  const again = await request.post(`/api/v1/tickets/${id}/messages`, { headers: auth, data: followUp });
  expect(again.status()).toBe(200);

  // The agent finds it in the care queue once the follow-up is analysed.
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await login(agent, "agent@example.com", "/inbox");
  const link = agent.getByRole("link", { name: subject });
  await expect(async () => {
    await agent.goto("/inbox?queue=care");
    await expect(link).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 180_000, intervals: [3_000] });
  await link.click();
  await waitForHydration(agent);
  await expect(agent.getByTestId("fired-rules")).toContainText("E2E souring");
  const thread = agent.getByTestId("thread");
  await expect(thread.getByTestId("message-customer")).toHaveCount(2);
  await expect(thread.getByTestId("message-sentiment")).toHaveCount(2);
  await expect(thread.getByTestId("message-customer").last()).toContainText("worst product ever");
  await expect(agent.getByTestId("trajectory-shift")).toHaveText("worsened");
  await expect(agent.getByTestId("trajectory-chart").locator("svg")).toBeVisible();
  await thread.scrollIntoViewIfNeeded();
  await agent.screenshot({ path: `${SCREENSHOTS}/thread.png`, fullPage: true });
  await agentContext.close();
});
