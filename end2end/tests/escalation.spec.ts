// An admin adds a keyword rule, backtests and activates it; a new ticket with the keyword lands in
// the inbox, and an agent claims it, adds a note, replies and resolves it.
import { expect, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

test("a new keyword rule escalates a new ticket that an agent then works to resolution", async ({ page, browser }) => {
  test.setTimeout(240_000);
  const word = `fluxcap${Date.now() % 100000}`;
  await login(page, "admin@example.com", "/rules");
  await waitForHydration(page);

  // Add a rule: it goes into a draft version, leaving the active one alone.
  await page.getByLabel("Name", { exact: true }).fill("E2E gadget");
  await page.getByLabel("Queue").fill("e2e");
  await page.getByLabel("Severity").selectOption("high");
  await page.getByLabel(/Keywords or phrases/).fill(word);
  await page.getByRole("button", { name: "Add rule" }).click();
  await expect(page.getByRole("status")).toContainText('Saved rule "E2E gadget" in draft version 2.');
  await expect(page.getByTestId("current-version")).toHaveText("Draft version 2 (not active yet)");
  await expect(page.getByTestId("rules")).toContainText("E2E gadget");

  // Live test on pasted text, then a backtest over the demo history.
  await page.getByLabel("Text", { exact: true }).fill(`My ${word.toUpperCase()} exploded, but this is not urgent.`);
  await page.getByRole("button", { name: "Test the rules" }).click();
  await expect(page.getByTestId("test-verdict")).toContainText("Escalates to the e2e queue (high severity).");
  await expect(page.getByTestId("test-text").locator("mark")).toHaveText(word.toUpperCase());
  await page.getByLabel("Last days").fill("400");
  await page.getByRole("button", { name: "Run backtest" }).click();
  await expect(page.getByTestId("backtest-summary")).toContainText("Version 2 over the last 400 days");
  await expect(page.getByTestId("backtest").locator("tbody tr").first()).toContainText("All rules together");
  await expect(page.getByTestId("backtest")).toContainText("E2E gadget");
  await page.screenshot({ path: `${SCREENSHOTS}/rules.png`, fullPage: true });

  await page.getByRole("button", { name: "Activate version 2" }).click();
  await expect(page.getByRole("status")).toContainText("Version 2 is now active.");

  // A new ticket containing the keyword arrives by CSV import.
  await page.goto("/data");
  await waitForHydration(page);
  const csv = [
    "external_id,created_at,subject,body,channel,priority,status",
    `E2E-ESC-${word},${new Date().toISOString()},Gadget broke,"The ${word} stopped working after the update",email,high,open`,
  ].join("\n");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "esc.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("import-report")).toContainText("1 imported");

  // The agent finds it in the inbox once the worker has analysed it.
  const agentContext = await browser.newContext();
  const agent = await agentContext.newPage();
  await login(agent, "agent@example.com", "/inbox");
  const link = agent.getByRole("link", { name: "Gadget broke" });
  await expect(async () => {
    await agent.goto("/inbox?queue=e2e");
    await expect(link).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 180_000, intervals: [3_000] });
  await agent.goto("/inbox");
  await waitForHydration(agent);
  await agent.screenshot({ path: `${SCREENSHOTS}/inbox.png`, fullPage: true });

  await agent.goto("/inbox?queue=e2e");
  await link.click();
  await waitForHydration(agent);
  await expect(agent.getByTestId("escalation-heading")).toHaveText("Escalated");
  await expect(agent.getByTestId("highlighted").locator("mark")).toHaveText(word);
  await expect(agent.getByTestId("fired-rules")).toContainText("E2E gadget");

  await agent.getByRole("button", { name: "Claim" }).click();
  await expect(agent.getByTestId("holder")).toHaveText("You have it.");
  await agent.getByLabel(/Internal note/).fill("Checked the firmware logs");
  await agent.getByRole("button", { name: "Add note" }).click();
  await expect(agent.getByTestId("activity")).toContainText("Checked the firmware logs");
  await agent.getByLabel("Reply to the customer").fill("Sorry about that: a fixed update is on its way.");
  await agent.getByRole("button", { name: "Send reply" }).click();
  await expect(agent.getByTestId("activity")).toContainText("reply: Sorry about that");
  await expect(agent.getByLabel("Reply to the customer")).toHaveValue("");
  await expect(agent.getByLabel(/Internal note/)).toHaveValue("");
  await agent.screenshot({ path: `${SCREENSHOTS}/escalation.png`, fullPage: true });
  await agent.getByRole("button", { name: "Resolve" }).click();
  await expect(agent.getByRole("button", { name: "Reopen" })).toBeVisible();
  await expect(agent.getByTestId("activity")).toContainText("Alex Agent resolved");
  await agentContext.close();
});
