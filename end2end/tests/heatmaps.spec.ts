// A manager reads where tickets concentrate and drills from a heatmap cell into its tickets.
import { test, expect } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

test("a manager switches measure and filter on the heatmaps and clicks a cell through to its tickets", async ({ page }) => {
  await login(page, "manager@example.com", "/heatmaps");
  await expect(page.getByRole("heading", { name: "Heatmaps" })).toBeVisible();
  for (const id of ["product-category", "weekday-hour", "channel-priority"]) {
    await expect(page.getByTestId(`heatmap-${id}`).locator("svg")).toBeVisible();
  }
  await expect(page.getByTestId("heatmap-weekday-hour").locator("svg > title")).toHaveText("Weekday × hour of creation (UTC)");
  await page.screenshot({ path: `${SCREENSHOTS}/heatmaps.png`, fullPage: true });

  await waitForHydration(page);
  await page.getByTestId("measure-switch").getByRole("link", { name: "Negative share" }).click();
  await expect(page).toHaveURL(/measure=negative/);
  await expect(page.getByTestId("heatmap-channel-priority").locator("a title").first()).toContainText(/% negative|no tickets/);

  await page.getByTestId("filter-bar").getByLabel("Channel").selectOption("email");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/channel=email/);

  // A busy weekday × hour cell: its title names how many tickets the Tickets page will list.
  const cell = page.getByTestId("heatmap-weekday-hour").locator("a").filter({ hasText: /: [1-9]\d* tickets/ }).first();
  const title = await cell.locator("title").textContent();
  const n = Number(/: (\d+) tickets/.exec(title ?? "")?.[1]);
  expect(n).toBeGreaterThan(0);
  await cell.click();
  await expect(page).toHaveURL(/\/tickets\?.*channel=email.*weekday=\d.*hour=\d+/);
  await expect(page.getByTestId("ticket-count")).toContainText(`${n} tickets match`);
  await expect(page.getByTestId("drill-down")).toContainText(":00 UTC");
});
