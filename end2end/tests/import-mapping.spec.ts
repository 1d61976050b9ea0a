import { test, expect } from "@playwright/test";
import { login, SCREENSHOTS } from "./helpers";

// An admin uploads an export no layout knows: the mapping screen suggests a field for each
// column, the admin corrects one, maps two unknown values, previews, saves the layout, imports,
// finds the tickets, turns their sentiment labels into a labelled set, and renames the layout.
test("an unknown export is mapped, previewed, imported and its labels become a set", async ({ page }) => {
  await login(page, "admin@example.com", "/data");
  const id = Date.now();
  const csv = [
    "Ref;Sent;From;Question;Prio;Feeling",
    `M-${id}-1;13/02/2024 10:00;ann@example.com;My invoice ${id} is wrong and nobody answers;Sev1;negative`,
    `M-${id}-2;14/02/2024 11:30;bob@example.com;How do I change the delivery address of order ${id}?;Sev3;neutral`,
    `M-${id}-3;15/02/2024 09:00;cy@example.com;Thanks, replacement ${id} works perfectly now;Sev3;positive`,
  ].join("\n");
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: `crm-${id}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Import", exact: true }).click();

  // No layout knows these columns: the mapping screen opens with suggestions.
  await expect(page).toHaveURL(/\/data\/map\?upload=\d+/);
  const mapping = page.getByTestId("mapping");
  await expect(mapping.getByTestId("map-column")).toHaveCount(6);
  await expect(page.getByLabel("Field for Question")).toHaveValue("body");
  await expect(page.getByLabel("Field for Feeling")).toHaveValue("sentiment");
  await expect(page.getByLabel("Field for Prio")).toHaveValue("");
  await expect(page.getByTestId("preview-summary")).toContainText("3 tickets (3 with labels)");

  // Correct one column: Prio is the priority; its values need a map.
  await page.getByLabel("Field for Prio").selectOption("priority");
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await expect(page.getByTestId("preview-summary")).toContainText("3 refused");
  await expect(page.getByTestId("preview-error").first()).toContainText('unknown priority "Sev');
  await expect(page.getByTestId("value-map")).toHaveCount(2);
  await page.getByLabel("Priority Sev1").selectOption("urgent");
  await page.getByLabel("Priority Sev3").selectOption("low");
  await page.getByLabel("Save as layout (optional)").fill(`CRM ${id}`);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await expect(page.getByTestId("preview-summary")).toContainText("0 refused");
  await expect(page.getByTestId("preview")).toContainText("urgent");
  await page.screenshot({ path: `${SCREENSHOTS}/data-mapping.png`, fullPage: true });

  await page.getByTestId("import-mapped").click();
  const report = page.getByTestId("import-report");
  await expect(report).toContainText("3 rows read: 3 imported");
  await expect(page.getByRole("row", { name: new RegExp(`CRM ${id}`) }).first()).toBeVisible();

  await page.getByRole("button", { name: "Make a labelled set for evaluation" }).click();
  await expect(page).toHaveURL(/\/evaluation\?ok=/);
  await expect(page.getByText(`3 labelled tickets added to the set "CRM ${id} labels".`)).toBeVisible();

  await page.goto(`/tickets?q=${encodeURIComponent(`invoice ${id}`)}`);
  await expect(page.getByRole("link", { name: new RegExp(`My invoice ${id}`) })).toBeVisible();

  // The saved layout is listed with the built-in ones, exportable, and can be renamed.
  await page.goto("/data");
  const row = page.getByTestId("layout-row").filter({ hasText: `CRM ${id}` });
  await expect(row).toContainText("Priority ← Prio");
  await expect(row.getByRole("link", { name: "Export JSON" })).toHaveAttribute("href", `/data/layout.json?name=CRM+${id}`);
  await row.getByLabel(`New name for CRM ${id}`).fill(`CRM ${id} v2`);
  await row.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByText(`The layout "CRM ${id}" is now "CRM ${id} v2".`)).toBeVisible();
  await expect(page.getByTestId("layout-row").filter({ hasText: `CRM ${id} v2` })).toHaveCount(1);
  await expect(page.getByRole("combobox", { name: "Layout" })).toContainText(`Saved: CRM ${id} v2`);
});

// A mapped category column comes along too: one click on the import report trains a category
// model on that export's labels alone and tests it on a held-out part, on the Categories page.
test("an export's category labels train and test a category model in one click", async ({ page }) => {
  await login(page, "admin@example.com", "/data");
  const id = Date.now();
  const topics: Record<string, string[]> = {
    billing: ["refund my double charge", "the invoice total is wrong", "my card was charged twice"],
    shipping: ["the parcel never arrived", "tracking shows nothing", "the courier lost my box"],
  };
  const rows = ["Ticket;Opened;Text;Topic"];
  let n = 0;
  for (const [topic, texts] of Object.entries(topics)) {
    for (let i = 0; i < 6; i++) {
      n++;
      rows.push(`T-${id}-${n};2024-03-0${1 + (n % 9)} 10:00;${texts[i % 3]} (order ${id}-${n});${topic}`);
    }
  }
  await page.getByLabel("File", { exact: true }).setInputFiles({ name: `topics-${id}.csv`, mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page).toHaveURL(/\/data\/map\?upload=\d+/);
  await page.getByLabel("Field for Topic").selectOption("category");
  await page.getByLabel("Save as layout (optional)").fill(`Topics ${id}`);
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await expect(page.getByTestId("preview-summary")).toContainText("0 refused");
  await page.getByTestId("import-mapped").click();
  await expect(page.getByTestId("import-report")).toContainText("12 rows read: 12 imported");

  const train = page.getByTestId("categories-from-import");
  await expect(train).toContainText(`12 tickets of "Topics ${id}" carry a category label.`);
  await train.getByRole("button", { name: "Train and test a category model on them" }).click();
  await expect(page).toHaveURL(/\/categories\?ok=/);
  // The worker trains it; the model lists the source its labels came from.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("category-models")).toContainText(`Topics ${id}`, { timeout: 2_000 });
  }).toPass({ timeout: 120_000 });
});
