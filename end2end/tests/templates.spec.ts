// An admin previews the reply template on a ticket, is refused an unknown variable, and saves a
// category's template as a new version.
import { expect, test } from "@playwright/test";
import { login, SCREENSHOTS, waitForHydration } from "./helpers";

test("an admin previews, validates and versions a reply template", async ({ page }) => {
  await login(page, "admin@example.com", "/templates");
  await waitForHydration(page);
  await expect(page.getByTestId("templates")).toContainText("*");
  await page.getByLabel("Ticket number").fill("1");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("template-preview")).toContainText("ticket #1");
  // The preview is a plain GET form: a new page, which must hydrate before the save form
  // answers in place (a click before that posts the form natively).
  await waitForHydration(page);

  await page.getByLabel("Category", { exact: true }).fill("shipping");
  await page.getByLabel("Template", { exact: true }).fill("Hi {{customer_name}}, your {{parcel}} is late.");
  await page.getByRole("button", { name: "Save as a new version" }).click();
  await expect(page.getByRole("alert")).toContainText("unknown variable {{parcel}}");
  await page.getByLabel("Template", { exact: true }).fill("Hi {{customer_name}}, sorry your {{product}} parcel is late. {{agent_name}}");
  await page.getByRole("button", { name: "Save as a new version" }).click();
  await expect(page.getByRole("status")).toContainText('Saved version 1 of the "shipping" template.');
  await expect(page.getByTestId("templates")).toContainText("shipping");
  await page.screenshot({ path: `${SCREENSHOTS}/templates.png`, fullPage: true });
});
