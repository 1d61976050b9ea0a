// A manager reads which way conversations went and drills from the worsened share into those tickets.
import { expect, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration, waitForIdleWorker } from "./helpers";

test("a manager sees improved, stayed and worsened conversations and opens the worsened ones", async ({ page }) => {
  test.setTimeout(600_000);
  await login(page, "manager@example.com", "/conversations");
  await expect(page.getByRole("heading", { name: "Conversations" })).toBeVisible();
  const year = "/conversations?from=2000-01-01&to=2100-12-31";
  const worsened = page.getByTestId("conv-worsened");
  // The demo's follow-ups are scored by the worker after the tickets; once it is idle the
  // figures hold still, so the drill-down lists exactly what the page counted.
  await waitForIdleWorker(page, 480_000);
  await expect(async () => {
    await page.goto(year);
    await expect(worsened.locator(".kpi-note")).toHaveText(/^[1-9][\d,]* of [\d,]+ conversations$/, { timeout: 2_000 });
  }).toPass({ timeout: 300_000, intervals: [3_000] });
  for (const id of ["conv-improved", "conv-stayed", "conv-lengths", "conv-by-category", "conv-by-agent"]) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(page.getByTestId("conv-shift-heatmap").locator("svg > title")).toHaveText("Sentiment shift by category × agent");
  await page.screenshot({ path: `${SCREENSHOTS}/conversations.png`, fullPage: true });

  await waitForHydration(page);
  const n = (await worsened.locator(".kpi-note").textContent())?.split(" of ")[0] ?? "";
  await worsened.click();
  await expect(page).toHaveURL(/\/tickets\?.*shift=worsened/);
  await expect(page.getByTestId("ticket-count")).toContainText(`${n} tickets match`);
  await expect(page.getByTestId("drill-down")).toContainText("conversations that worsened");
});
