// An agent creates an API token, sees it once, uses it against the REST API, and revokes it.
import { test, expect } from "@playwright/test";
import { login, SCREENSHOTS } from "./helpers";

test("an agent creates, uses and revokes an API token", async ({ page, request }) => {
  await login(page, "agent@example.com", "/");
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await expect(page.getByText("You have no API tokens yet.")).toBeVisible();

  await page.getByLabel("Name").fill("Zapier");
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token").locator("code");
  await expect(shown).toHaveText(/^tl_[0-9a-f]{64}$/);
  const token = (await shown.textContent()) ?? "";
  const row = page.getByTestId("tokens").locator("tbody tr", { hasText: "Zapier" });
  await expect(row).toContainText("active");
  await expect(row).toContainText(token.slice(0, 10));
  await page.screenshot({ path: `${SCREENSHOTS}/tokens.png`, fullPage: true });

  // The token works against the API, carrying the agent's role.
  const auth = { Authorization: `Bearer ${token}` };
  const list = await request.get("/api/v1/tickets?limit=3", { headers: auth });
  expect(list.status()).toBe(200);
  expect((await list.json()).data.length).toBe(3);
  const runs = await request.get("/api/v1/evaluations", { headers: auth });
  expect(runs.status()).toBe(403);

  // Shown once: a reload lists the token without its secret.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await expect(page.getByText(token)).toHaveCount(0);

  await row.getByRole("button", { name: "Revoke Zapier" }).click();
  await expect(row).toContainText("revoked");
  const after = await request.get("/api/v1/tickets?limit=3", { headers: auth });
  expect(after.status()).toBe(401);
  expect((await after.json()).error.code).toBe("unauthenticated");
});
