// The same journey with JavaScript off: server-rendered pages and plain form posts.
import { test, expect } from "@playwright/test";
import { PASSWORD, allTicketsText } from "./helpers";

test.use({ javaScriptEnabled: false });

test("log in, filter, page and open a ticket without JavaScript", async ({ page }) => {
  await page.goto("/tickets");
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel("E-mail").fill("manager@example.com");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  const count = page.getByTestId("ticket-count");
  await allTicketsText(count);

  await page.getByLabel("Channel").selectOption("phone");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/channel=phone/);
  for (const cell of await page.locator("table.grid tbody tr td:nth-child(5)").allTextContents()) {
    expect(cell).toBe("phone");
  }

  const firstIds = await page.locator("table.grid tbody tr td:first-child").allTextContents();
  await page.getByRole("link", { name: "Next page »" }).click();
  await expect(page).toHaveURL(/channel=phone&after=/);
  const nextIds = await page.locator("table.grid tbody tr td:first-child").allTextContents();
  expect(nextIds.length).toBeGreaterThan(0);
  expect(nextIds.filter((id) => firstIds.includes(id))).toEqual([]);

  await page.locator("table.grid tbody tr").first().locator("td:nth-child(2) a").click();
  await expect(page).toHaveURL(/\/tickets\/\d+$/);
  await expect(page.getByTestId("ticket-subject")).not.toBeEmpty();
});

test("a wrong password without JavaScript shows the message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill("manager@example.com");
  await page.getByLabel("Password").fill("nope-nope");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong e-mail or password.");
});
