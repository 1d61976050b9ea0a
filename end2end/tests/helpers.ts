// Shared steps: logging in as a demo account, hydration, and where screenshots for the README go.
import { expect, Page } from "@playwright/test";
import * as path from "path";

export const PASSWORD = process.env.E2E_PASSWORD ?? "e2e-password";
export const SCREENSHOTS = path.join(__dirname, "..", "..", "docs", "screenshots");

export async function login(page: Page, email: string, next = "/") {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await waitForHydration(page);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("button", { name: "Log out" })).toBeVisible();
}

/** Waits until the WASM bundle has hydrated the page without a mismatch (hydrate() sets the flag). */
export async function waitForHydration(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "1");
}
