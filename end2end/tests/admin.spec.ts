// Admin pages: adding a user, and importing a CSV whose bad row is reported by line.
import { test, expect } from "@playwright/test";
import { login, PASSWORD, SCREENSHOTS } from "./helpers";

test("an admin adds an agent and resets their password; the agent logs in", async ({ page, browser }) => {
  await login(page, "admin@example.com", "/users");
  const email = `new.agent.${Date.now()}@example.com`;
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Name").fill("New Agent");
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${email}`);
  await expect(page.getByTestId("users")).toContainText(email);

  const newPassword = `${PASSWORD}-reset`;
  const row = page.getByTestId("users").locator("tr", { hasText: email });
  await row.getByLabel(`New password for ${email}`).fill(newPassword);
  await row.getByRole("button", { name: "Set" }).click();
  await expect(page.getByRole("status")).toContainText("Password changed");
  await page.screenshot({ path: `${SCREENSHOTS}/users.png`, fullPage: true });

  const other = await browser.newPage();
  await other.goto("/login");
  await other.getByLabel("E-mail").fill(email);
  await other.getByLabel("Password").fill(newPassword);
  await other.getByRole("button", { name: "Log in" }).click();
  await expect(other.getByRole("button", { name: "Log out" })).toBeVisible();
  await other.close();
});

test("a CSV upload imports good rows and reports the bad one by line", async ({ page }) => {
  await login(page, "admin@example.com", "/data");
  const id = Date.now();
  const csv = [
    "external_id,created_at,subject,body,channel,priority,status",
    `E2E-${id}-1,2026-01-05T10:00:00Z,Printer jam,"The printer jams on page 2",email,high,open`,
    `E2E-${id}-2,2026-01-05T11:00:00Z,Bad row,"priority is nonsense",email,whenever,open`,
    `E2E-${id}-3,2026-01-06T09:30:00Z,Login loop,"I cannot log in, it loops",chat,low,pending`,
  ].join("\n");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: "e2e.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import" }).click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("3 rows read: 2 imported, 0 already present, 1 skipped.");
  await expect(report.locator("tbody tr")).toHaveText([/3\s*unknown priority "whenever"/]);
  await expect(page.getByTestId("skip-reasons")).toHaveText("1 × unknown priority");
  await page.screenshot({ path: `${SCREENSHOTS}/data.png`, fullPage: true });

  await page.goto(`/tickets?q=${encodeURIComponent("printer jams")}`);
  await expect(page.getByRole("link", { name: "Printer jam" })).toBeVisible();
});
