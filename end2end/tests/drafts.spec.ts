// An agent opens a new ticket, sees similar resolved tickets and a drafted reply, edits and sends
// it, and the acceptance figures on the Evaluation page move; a manager opens the Clusters page
// and clicks into a cluster.
import { expect, Page, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

/** The sum of the "Sent edited" column of the acceptance table. */
async function sentEdited(page: Page): Promise<number> {
  await page.goto("/evaluation");
  await waitForHydration(page);
  const table = page.getByTestId("acceptance");
  await expect(table.or(page.getByText("No drafts yet."))).toBeVisible();
  const cells = await page.getByTestId("sent-edited").allTextContents();
  return cells.map((c) => parseInt(c, 10) || 0).reduce((a, b) => a + b, 0);
}

test("an agent edits and sends a drafted reply and acceptance counts it", async ({ page }) => {
  test.setTimeout(240_000);
  const tag = `zq${Date.now() % 100000}`;
  await login(page, "admin@example.com", "/data");
  const csv = [
    "external_id,created_at,subject,body,channel,priority,status",
    `E2E-DRAFT-${tag},${new Date().toISOString()},Refund for returned headphones ${tag},"I sent the headphones back two weeks ago and I am still waiting for my refund.",email,low,open`,
  ].join("\n");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "draft.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-report")).toContainText("1 imported");

  const before = await sentEdited(page);

  await page.goto(`/tickets?q=${tag}`);
  await page.getByRole("link", { name: `Refund for returned headphones ${tag}` }).click();
  await expect(page.getByTestId("ticket-subject")).toContainText(tag);
  const ticketUrl = page.url();
  // The worker analyses the ticket, then drafts its reply.
  await expect(async () => {
    await page.goto(ticketUrl);
    await expect(page.getByTestId("draft-body")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 180_000, intervals: [3_000] });
  await waitForHydration(page);

  await expect(page.getByTestId("similar-tickets").locator("tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("draft-sources")).toContainText("template");
  const draft = await page.getByTestId("draft-body").inputValue();
  expect(draft.length).toBeGreaterThan(20);
  await page.screenshot({ path: `${SCREENSHOTS}/draft.png`, fullPage: true });

  await page.getByTestId("draft-body").fill(`${draft}\n\nP.S. Thank you for your patience.`);
  await page.getByRole("button", { name: "Approve and send" }).click();
  // Without SMTP the reply is recorded as sent by hand (the e-mail spec of the Rust tests covers SMTP).
  await expect(page.getByRole("status").filter({ hasText: "marked as sent by hand" })).toBeVisible();
  await expect(page.getByTestId("draft-outcome")).toContainText("characters changed");

  expect(await sentEdited(page)).toBe(before + 1);
  await page.screenshot({ path: `${SCREENSHOTS}/acceptance.png`, fullPage: true });
});

test("a manager opens the clusters and clicks into one", async ({ page }) => {
  test.setTimeout(240_000);
  await login(page, "manager@example.com", "/clusters");
  // The demo's clustering runs once every demo ticket is analysed.
  await expect(async () => {
    await page.goto("/clusters");
    await expect(page.getByTestId("clusters")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 180_000, intervals: [3_000] });
  await waitForHydration(page);
  await expect(page.getByTestId("cluster-run")).toContainText("clusters");
  await expect(page.locator(".chart svg circle").first()).toBeAttached();
  await page.screenshot({ path: `${SCREENSHOTS}/clusters.png`, fullPage: true });

  const first = page.getByTestId("cluster-link").first();
  const size = Number(await page.getByTestId("clusters").locator("tbody tr").first().locator("td.num").first().textContent());
  await first.click();
  await expect(page).toHaveURL(/\/tickets\?cluster=\d+/);
  await expect(page.locator("table tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("ticket-count")).toContainText(`${size.toLocaleString("en-US")} tickets match`);
});
