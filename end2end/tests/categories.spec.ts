// An admin sees the category model trained from the demo labels, trains the transformer engine,
// compares the two and switches; a ticket shows its predicted category and takes a correction.
import { expect, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration, waitForIdleWorker } from "./helpers";

test("an admin trains, compares and activates category models; a ticket shows its category", async ({ page }) => {
  test.setTimeout(540_000);
  await login(page, "admin@example.com", "/categories");
  const models = page.getByTestId("category-models");
  // The demo's first model is trained by the worker once the demo tickets are analysed.
  await expect(async () => {
    await page.goto("/categories");
    await expect(models.locator("tbody tr")).toHaveCount(1, { timeout: 2_000 });
  }).toPass({ timeout: 240_000, intervals: [3_000] });
  await waitForHydration(page);
  await expect(models).toContainText("tfidf");
  await expect(models).toContainText("active");
  await expect(page.getByTestId("signal")).toContainText("The labels carry signal");
  await expect(page.getByTestId("category-confusion").locator("svg")).toBeVisible();

  // Activating the demo model re-categorises every ticket, and clustering and the quality check
  // follow the import: let them finish, so the training below does not share two cores with them.
  await waitForIdleWorker(page);
  await page.reload();
  await waitForHydration(page);
  await page.getByLabel("Engine").selectOption("embedding");
  await page.getByRole("button", { name: "Train a model" }).click();
  await expect(page.getByRole("status")).toContainText("Training queued");
  // The page reloads itself while training runs.
  await expect(models.locator("tbody tr")).toHaveCount(2, { timeout: 120_000 });
  await models.getByRole("link", { name: "v2" }).click();
  await expect(page.getByRole("heading", { name: "Model v2 (embedding)" })).toBeVisible();
  await page.getByRole("button", { name: "Use v2 for tickets" }).click();
  await expect(page.getByRole("status")).toContainText("Model activated");
  await expect(page.getByTestId("category-model")).toContainText("New tickets are classified by this model.");
  await page.screenshot({ path: `${SCREENSHOTS}/categories.png`, fullPage: true });

  await page.goto("/tickets?sort=oldest");
  await waitForHydration(page);
  await page.locator("table.grid tbody tr").first().locator("td:nth-child(2) a").click();
  await expect(page.getByTestId("predicted-category")).toContainText("% sure");
  await page.getByLabel("Correct category").fill("Warranty claims");
  await page.getByRole("button", { name: "Save category" }).click();
  await expect(page.getByTestId("category-correction")).toContainText("Warranty claims");
});
