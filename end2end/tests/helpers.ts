// Shared steps: logging in as a demo account, hydration, and where screenshots for the README go.
import { expect, Locator, Page } from "@playwright/test";
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

/**
 * Waits until the worker has no job queued or running (read from `/metrics`, open to loopback),
 * so that the step after it has the machine's cores to itself: on two cores a training that
 * starts while re-categorising, clustering and quality checks still run can take minutes.
 */
export async function waitForIdleWorker(page: Page, timeout = 240_000) {
  await expect(async () => {
    const res = await page.request.get("/metrics");
    expect(res.ok()).toBeTruthy();
    const busy = (await res.text())
      .split("\n")
      .filter((l) => l.startsWith("ticketlens_jobs{") && /state="(queued|running)"/.test(l))
      .reduce((n, l) => n + Number(l.split(" ").pop()), 0);
    expect(busy).toBe(0);
  }).toPass({ timeout, intervals: [2_000] });
}

/** Waits until the Evaluation page says the stored tickets were rescored with a version matching `version`. */
export async function waitForRescore(page: Page, version: RegExp, timeout = 240_000) {
  await expect
    .poll(
      async () => {
        await page.reload();
        // Absent until the worker has picked the rescore up: read it without waiting.
        const line = page.getByTestId("rescore");
        return (await line.count()) > 0 ? ((await line.textContent()) ?? "") : "";
      },
      { timeout, intervals: [3_000] },
    )
    .toMatch(version);
}

/** A new API token made on the Tokens page by whoever `page` is logged in as; its auth header. */
export async function apiToken(page: Page, name: string): Promise<Record<string, string>> {
  await page.goto("/tokens");
  await waitForHydration(page);
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByTestId("new-token").locator("code");
  await expect(shown).toHaveText(/^tl_/);
  return { Authorization: `Bearer ${await shown.textContent()}` };
}

/** Escalates ticket `id` by hand into `queue` from its Ticket page. */
export async function escalateByHand(page: Page, id: number, queue: string) {
  await page.goto(`/tickets/${id}`);
  await waitForHydration(page);
  const form = page.getByTestId("escalate");
  await form.getByLabel("Queue").selectOption(queue);
  await form.getByLabel("Why it needs a person").fill("The customer asked for a call back");
  await form.getByRole("button", { name: "Escalate" }).click();
  await expect(page.getByTestId("escalation-heading")).toHaveText("Escalated");
}

/// The ticket list's "N tickets match" text once it shows every demo ticket (3,000 generated;
/// specs that run earlier add a few by API, so the exact figure is read, not assumed).
export async function allTicketsText(count: Locator): Promise<string> {
  await expect(count).toContainText(/3,\d{3} tickets match/);
  const text = (await count.textContent()) ?? "";
  return text.match(/[\d,]+ tickets match/)![0];
}
