// A manager finds the demo's injected incidents on the Alerts page and opens their tickets.
import { test, expect } from "@playwright/test";
import { login, SCREENSHOTS } from "./helpers";

test("a manager finds the demo incidents among the alerts and follows one to its tickets", async ({ page }) => {
  test.setTimeout(5 * 60_000);
  await login(page, "manager@example.com", "/alerts");
  await expect(page.getByRole("heading", { name: "Alerts", exact: true })).toBeVisible();
  // The whole demo year, so that every incident is in the period.
  const from = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
  // Detection runs while the demo is being analysed; wait until the product × category spikes are in.
  const spikes = page.getByTestId("alert").filter({ hasText: "Spike" }).filter({ hasText: " · " });
  await expect
    .poll(
      async () => {
        await page.goto(`/alerts?from=${from}`);
        return spikes.count();
      },
      { timeout: 4 * 60_000, intervals: [5_000] },
    )
    .toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId("detection-status")).toContainText(/Last detection|queued or running/);
  await page.screenshot({ path: `${SCREENSHOTS}/alerts.png`, fullPage: true });

  const first = spikes.first();
  const about = (await first.locator("td").nth(1).textContent()) ?? "";
  const [product, category] = about.split(" · ");
  await first.getByRole("link", { name: "Tickets" }).click();
  await expect(page).toHaveURL(/\/tickets\?product=\d+&category=[^&]+&from=\d{4}-\d\d-\d\d&to=\d{4}-\d\d-\d\d/);
  await expect(page.getByTestId("ticket-count")).toContainText(/[1-9]\d* tickets? match/);
  await expect(page.locator("table").getByText(product).first()).toBeVisible();
  expect(category.length).toBeGreaterThan(0);
});
