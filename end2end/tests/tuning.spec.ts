// Sentiment that learns the team's labels: an admin fine-tunes the local engine on a small set
// with a learning curve, follows the tuning's progress, reads the curve, activates the model
// (with the override when it is worse than the active engine) and sees why a ticket got its
// label.
import { expect, test } from "@playwright/test";
import * as path from "path";
import { login, SCREENSHOTS, waitForHydration, waitForRescore } from "./helpers";

test("an admin fine-tunes the local engine, reads its learning curve and activates it", async ({ page }) => {
  test.setTimeout(600_000);
  await login(page, "admin@example.com", "/evaluation");
  await page.goto("/evaluation");
  await waitForHydration(page);

  // A small labelled set from the demo tickets: 120 train items, so one curve stage at 48.
  const setForm = page.locator("form", { has: page.getByRole("button", { name: "Build from tickets" }) });
  await setForm.getByLabel("Set name").fill("Small set");
  await setForm.getByLabel("Tickets with a gold label").fill("150");
  await setForm.getByRole("button", { name: "Build from tickets" }).click();
  await expect(page.getByRole("status")).toContainText("tickets added to Small set");

  const trainForm = page.locator("form", { has: page.getByRole("button", { name: "Train local model" }) });
  const setOption = trainForm.locator("select[name=set_id] option", { hasText: "Small set" });
  await trainForm.getByLabel("Labelled set").selectOption((await setOption.getAttribute("value")) ?? "");
  await trainForm.getByLabel("Features").selectOption("tuned");
  await trainForm.getByLabel("Tuning pairs").fill("48");
  await trainForm.getByLabel("Learning curve").check();
  await trainForm.getByRole("button", { name: "Train local model" }).click();
  await expect(page.getByRole("status")).toContainText("Training queued");

  // The training card follows the job to its end; the curve's point at 48 examples shows there.
  const training = page.getByTestId("training");
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await training.count()) > 0 ? ((await training.getAttribute("data-state")) ?? "") : "";
      },
      { timeout: 420_000, intervals: [3_000] },
    )
    .toBe("done");
  await expect(training).toContainText("done");
  await expect(page.getByTestId("training-curve")).toContainText("48 examples: macro-F1");
  await expect(page.getByTestId("models").locator("tbody tr").first()).toContainText("tuned");
  const curve = page.getByTestId("learning-curve").locator("svg");
  await expect(curve).toBeVisible();
  await page.screenshot({ path: path.join(SCREENSHOTS, "evaluation-tuning.png"), fullPage: true });

  // Its evaluation run finishes in the background; then the model can be made active.
  const option = page.locator("select[name=engine] option", { hasText: "tuned, Small set" }).first();
  await expect
    .poll(
      async () => {
        await page.reload();
        return (await option.count()) > 0 ? ((await option.textContent()) ?? "") : "";
      },
      { timeout: 120_000, intervals: [2_000] },
    )
    .toMatch(/macro-F1 0\.\d{3}/);
  const value = (await option.getAttribute("value")) ?? "";
  const activate = page.locator("form", { has: page.getByRole("button", { name: "Make active" }) });
  await activate.locator("select[name=engine]").selectOption(value);
  // 48 pairs may leave it below the active engine: the override says so explicitly.
  await activate.getByLabel("Even if worse").check();
  await activate.getByRole("button", { name: "Make active" }).click();
  await expect(page.getByRole("status")).toContainText("now scored with this engine");
  await expect(page.getByTestId("active-engine")).toContainText("tuned, Small set");
  await waitForRescore(page, /rescored with local-v\d+:/);

  // A ticket scored by the tuned model says which words pushed its label.
  await page.goto("/tickets");
  await page.locator("table a[href^='/tickets/']").first().click();
  await expect(page.getByTestId("sentiment")).toContainText("local");
  await expect(page.getByTestId("evidence")).toContainText("Why — the words that pushed it toward");
});
