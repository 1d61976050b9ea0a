// Evaluation and prompt tuning: run an evaluation, read its confusion matrix, turn a
// misclassified item into a few-shot example, evaluate a new prompt version and promote it.
import { expect, test } from "@playwright/test";
import * as path from "path";
import { login, SCREENSHOTS, waitForHydration, waitForRescore } from "./helpers";

test("an admin evaluates, tunes few-shot examples and promotes a prompt version", async ({ page }) => {
  test.setTimeout(180_000);
  await login(page, "admin@example.com", "/evaluation");
  await page.goto("/evaluation");
  await waitForHydration(page);

  // A gold set from the demo tickets' labels.
  await page.getByLabel("Tickets with a gold label").fill("600");
  await page.getByRole("button", { name: "Build from tickets" }).click();
  await expect(page.getByRole("status")).toContainText("tickets added to Demo tickets");
  await expect(page.getByTestId("sets")).toContainText("Demo tickets");

  // An evaluation of the lexicon engine, run in the background; the page follows its progress.
  const runForm = page.locator("form", { has: page.getByRole("button", { name: "Run evaluation" }) });
  await runForm.getByLabel("Engine").selectOption("lexicon");
  await runForm.getByRole("button", { name: "Run evaluation" }).click();
  await expect(page).toHaveURL(/\/evaluation\/runs\/\d+/);
  await expect(page.getByTestId("run-metrics")).toContainText("macro-F1", { timeout: 90_000 });
  const matrix = page.getByTestId("confusion-counts").locator("svg");
  await expect(matrix).toBeVisible();
  await expect(matrix).toHaveAttribute("aria-label", /Confusion matrix/);
  await expect(page.getByTestId("confusion-normalised")).toContainText("%");
  await page.screenshot({ path: path.join(SCREENSHOTS, "evaluation-run.png"), fullPage: true });

  // A misclassified item becomes a few-shot example.
  const firstMiss = page.getByTestId("misclassified").locator("tbody tr").first();
  const missText = (await firstMiss.locator("td").first().innerText()).trim();
  await firstMiss.getByRole("button", { name: "Add as few-shot example" }).click();
  await expect(page.getByRole("status")).toContainText("Added as a few-shot example");

  // A new prompt version: it can be promoted only after an evaluation.
  await page.goto("/prompts");
  await waitForHydration(page);
  // The table shows the text with its line breaks collapsed; the example's textarea keeps them.
  const prefix = missText
    .slice(0, 20)
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
    .replace(/\s+/g, "\\s+");
  await expect(page.getByTestId("example").first().locator("textarea")).toHaveValue(new RegExp(`^${prefix}`));
  await page.getByLabel("What changed").fill("first tuned version");
  await page.getByRole("button", { name: "Save as new version" }).click();
  await expect(page.getByRole("status")).toContainText("Saved prompt version");
  const v1 = page.getByTestId("prompt-v1");
  await expect(v1).toContainText("evaluate first");

  await page.goto("/evaluation");
  await waitForHydration(page);
  const llmForm = page.locator("form", { has: page.getByRole("button", { name: "Run evaluation" }) });
  const llmOption = llmForm.locator("select[name=engine] option", { hasText: "prompt v1" });
  await llmForm.getByLabel("Engine").selectOption((await llmOption.getAttribute("value")) ?? "");
  await llmForm.getByRole("button", { name: "Run evaluation" }).click();
  await expect(page.getByTestId("run-metrics")).toContainText("macro-F1", { timeout: 90_000 });
  await expect(page.getByRole("heading", { level: 1 })).toContainText("llm");

  await page.goto("/prompts");
  await waitForHydration(page);
  await expect(v1).not.toContainText("evaluate first");
  // The stand-in LLM may score below the lexicon on this set: activate it regardless.
  await v1.getByLabel("Even if worse").check();
  await v1.getByRole("button", { name: "Make active" }).click();
  await expect(page.getByRole("status")).toContainText("now scored with this engine");
  await expect(page.getByTestId("prompt-v1")).toContainText("active");
  await page.screenshot({ path: path.join(SCREENSHOTS, "prompts.png"), fullPage: true });

  await page.goto("/evaluation");
  await expect(page.getByTestId("active-engine")).toContainText("prompt v1");
  // Activation rescores the stored tickets in the background; later specs read them settled.
  await waitForRescore(page, /rescored with .*prompt-v1/, 150_000);
  await page.screenshot({ path: path.join(SCREENSHOTS, "evaluation.png"), fullPage: true });
});
