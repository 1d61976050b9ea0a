// Logging in and out, and navigation that shows each role only what it may use.
import { test, expect } from "@playwright/test";
import { login, PASSWORD, waitForHydration } from "./helpers";

test("anonymous visitors are sent to the login page", async ({ page }) => {
  await page.goto("/tickets");
  await expect(page).toHaveURL(/\/login\?next=\/tickets$/);
  await expect(page.getByRole("button", { name: "Log in" })).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("E-mail").fill("admin@example.com");
  await page.getByLabel("Password").fill(PASSWORD + "-wrong");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong e-mail or password.");
  await expect(page.getByRole("button", { name: "Log out" })).toHaveCount(0);
});

test("an agent sees tickets but no admin pages", async ({ page }) => {
  await login(page, "agent@example.com");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Tickets" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Users" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Data" })).toHaveCount(0);
  await page.goto("/users");
  await expect(page.getByRole("alert")).toContainText("Your role does not allow this.");
});

test("an admin sees every page and can log out", async ({ page }) => {
  await login(page, "admin@example.com");
  const nav = page.getByRole("navigation", { name: "Main" });
  for (const name of ["Overview", "Heatmaps", "Trends", "Alerts", "Inbox", "Tickets", "Evaluation", "Prompts", "Rules", "Categories", "Templates", "Data", "Quality", "Users"]) {
    await expect(nav.getByRole("link", { name })).toBeVisible();
  }
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("every page hydrates without a mismatch", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await login(page, "admin@example.com");
  for (const path of ["/", "/heatmaps", "/heatmaps?measure=negative&channel=chat", "/trends", "/trends?by=product&grain=week", "/conversations", "/alerts", "/quality", "/clusters", "/inbox", "/tickets", "/tickets?priority=high&sort=oldest", "/rules", "/categories", "/templates", "/users", "/data", "/tokens", "/integrations", "/audit"]) {
    await page.goto(path);
    await waitForHydration(page);
  }
  await page.goto("/tickets");
  await page.locator("table.grid tbody tr").first().locator("td:nth-child(2) a").click();
  await expect(page.getByTestId("ticket-subject")).toBeVisible();
  await page.reload();
  await waitForHydration(page);
  expect(errors).toEqual([]);
});

test("every page loads its data after client-side navigation", async ({ page }) => {
  // Links clicked after hydration fetch the page's data through server functions (not SSR).
  await login(page, "admin@example.com");
  const nav = page.getByRole("navigation", { name: "Main" });
  const pages: [string, RegExp][] = [
    ["Heatmaps", /\/heatmaps$/], ["Inbox", /\/inbox$/], ["Tickets", /\/tickets$/], ["Evaluation", /\/evaluation$/],
    ["Prompts", /\/prompts$/], ["Rules", /\/rules$/], ["Categories", /\/categories$/], ["Templates", /\/templates$/],
    ["Data", /\/data$/], ["Users", /\/users$/], ["Trends", /\/trends$/], ["Conversations", /\/conversations$/], ["Alerts", /\/alerts$/],
    ["Quality", /\/quality$/], ["Integrations", /\/integrations$/], ["Audit log", /\/audit$/],
    ["Overview", /\/$/],
  ];
  for (const [name, url] of pages) {
    await nav.getByRole("link", { name }).click();
    await expect(page).toHaveURL(url);
    await expect(page.locator("main h1")).toBeVisible();
    await expect(page.locator("main [aria-busy=true]")).toHaveCount(0);
    await expect(page.locator("main [role=alert]")).toHaveCount(0);
  }
});
