// An admin reads the data-quality report of the demo source; a manager downloads a table as CSV.
import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { login, SCREENSHOTS } from "./helpers";

test("an admin reads the data-quality report of the demo source", async ({ page }) => {
  test.setTimeout(4 * 60_000);
  await login(page, "admin@example.com", "/quality");
  await expect(page.getByRole("heading", { name: "Data quality" })).toBeVisible();
  const card = page.locator('[data-testid="quality-source"][data-source="ticketlens"]');
  await expect
    .poll(
      async () => {
        await page.goto("/quality");
        return card.count();
      },
      { timeout: 3 * 60_000, intervals: [3_000] },
    )
    .toBe(1);
  // The demo's category and priority labels follow the text.
  await expect(card.locator('[data-testid="label-check"]').first()).toBeVisible();
  await expect(card.locator('[data-testid="label-check"][data-signal="true"]').first()).toBeVisible();
  await expect(card.getByTestId("finding").first()).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/quality.png`, fullPage: true });
});

test("a manager exports the filtered alerts and the overview as CSV", async ({ page }) => {
  await login(page, "manager@example.com", "/?channel=email");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^ticketlens-overview-\d{8}-\d{4}\.csv$/);
  const text = readFileSync(await file.path(), "utf8");
  expect(text.split("\n")[0]).toBe("from,to,dimension,value,tickets");
  // Filtered to e-mail: the channel rows name only e-mail.
  const channels = text.split("\n").filter((l) => l.includes(",channel,"));
  expect(channels.length).toBe(1);
  expect(channels[0]).toContain(",channel,email,");
});
