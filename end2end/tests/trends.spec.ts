// A manager compares categories and products over time and opens a group's tickets.
import { test, expect } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

test("a manager switches trends between categories and products, days and weeks, and opens a group", async ({ page }) => {
  await login(page, "manager@example.com", "/trends");
  await expect(page.getByRole("heading", { name: "Trends" })).toBeVisible();
  await expect(page.getByTestId("trend-volume").locator("svg > title")).toHaveText("Tickets per day");
  await expect(page.getByTestId("trend-negative").locator("svg")).toBeVisible();
  await expect(page.getByTestId("trend-row").first()).toBeVisible();

  await waitForHydration(page);
  await page.getByTestId("grain-switch").getByRole("link", { name: "Week" }).click();
  await expect(page).toHaveURL(/grain=week/);
  await expect(page.getByTestId("trend-volume").locator("svg > title")).toHaveText("Tickets per week");
  await page.getByTestId("by-switch").getByRole("link", { name: "Product" }).click();
  await expect(page).toHaveURL(/by=product/);
  await expect(page).toHaveURL(/grain=week/);
  await expect(page.getByTestId("trend-table").locator("th").first()).toHaveText("Product");
  await page.screenshot({ path: `${SCREENSHOTS}/trends.png`, fullPage: true });

  const first = page.getByTestId("trend-row").first();
  const n = Number(((await first.locator("td").nth(1).textContent()) ?? "0").replace(/,/g, ""));
  expect(n).toBeGreaterThan(0);
  await first.getByRole("link").click();
  await expect(page).toHaveURL(/\/tickets\?from=.*&product=\d+/);
  await expect(page.getByTestId("ticket-count")).toContainText(`${n.toLocaleString("en-US")} ticket`);
});
