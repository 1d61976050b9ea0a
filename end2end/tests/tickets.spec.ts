// A manager browsing tickets with JavaScript on: filters, search, paging, a ticket, the overview.
import { test, expect } from "@playwright/test";
import { allTicketsText, login, SCREENSHOTS, waitForHydration } from "./helpers";

test("overview shows the period's figures, filters them through the URL and links to tickets", async ({ page }) => {
  await login(page, "manager@example.com", "/");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("period")).toContainText("(30 days)");
  await expect(page.getByTestId("kpi-volume").locator(".kpi-value")).toHaveText(/^[\d,]+$/);
  await expect(page.getByTestId("kpi-volume")).toContainText("vs the previous 30 days");
  await expect(page.getByTestId("volume-chart").locator("svg title")).toHaveText("Tickets per day");
  await expect(page.getByRole("heading", { name: "By channel" })).toBeVisible();
  await page.screenshot({ path: `${SCREENSHOTS}/overview.png`, fullPage: true });
  const all = Number((await page.getByTestId("kpi-volume").locator(".kpi-value").innerText()).replace(/,/g, ""));

  await waitForHydration(page);
  await page.getByLabel("Channel").selectOption("email");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/channel=email/);
  const email = Number((await page.getByTestId("kpi-volume").locator(".kpi-value").innerText()).replace(/,/g, ""));
  expect(email).toBeGreaterThan(0);
  expect(email).toBeLessThan(all);
  // The bookmarked URL gives the same view on a fresh load.
  await page.reload();
  await expect(page.getByLabel("Channel")).toHaveValue("email");
  await expect(page.getByTestId("kpi-volume").locator(".kpi-value")).toHaveText(email.toLocaleString("en-US"));
  await page.getByRole("link", { name: "high", exact: true }).click();
  await expect(page).toHaveURL(/\/tickets\?.*channel=email.*priority=high/);
});

test("filters, search and paging narrow the ticket list", async ({ page }) => {
  await login(page, "manager@example.com", "/tickets");
  await waitForHydration(page);
  const count = page.getByTestId("ticket-count");
  const everyTicket = await allTicketsText(count);
  await page.screenshot({ path: `${SCREENSHOTS}/tickets.png`, fullPage: false });

  // Hydrated: choosing a priority applies it at once, without pressing Apply.
  await page.getByLabel("Priority").selectOption("urgent");
  await expect(page).toHaveURL(/priority=urgent/);
  await expect(count).not.toContainText(everyTicket);
  const rows = page.locator("table.grid tbody tr");
  await expect(rows.first()).toBeVisible();
  for (const badge of await rows.locator("td:nth-child(6)").allTextContents()) {
    expect(badge).toBe("urgent");
  }

  // Back to every ticket.
  await page.getByRole("link", { name: "Clear" }).click();
  await expect(count).toContainText(everyTicket);
  // Keyset paging: the next page shows other tickets.
  const firstPageIds = await rows.locator("td:first-child").allTextContents();
  expect(firstPageIds.length).toBe(50);
  await page.getByRole("link", { name: "Next page »" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(rows.first().locator("td:first-child")).not.toHaveText(firstPageIds[0]);
  const secondPageIds = await rows.locator("td:first-child").allTextContents();
  expect(secondPageIds.length).toBeGreaterThan(0);
  expect(secondPageIds.filter((id) => firstPageIds.includes(id))).toEqual([]);

  // Full-text search through the form.
  await page.goto("/tickets");
  await waitForHydration(page);
  await page.getByLabel("Search").fill("refund");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/q=refund/);
  await expect(count).not.toContainText(everyTicket);
  await expect(rows.first()).toBeVisible();
});

test("a ticket shows its details, history and its conversation", async ({ page }) => {
  // The oldest resolved ticket is demo data with an imported agent reply (newer resolved ones may
  // come from other specs and have replies sent from the escalation panel instead).
  await login(page, "agent@example.com", "/tickets?status=resolved&sort=oldest");
  await waitForHydration(page);
  const first = page.locator("table.grid tbody tr").first().locator("td:nth-child(2) a");
  const subject = (await first.textContent()) ?? "";
  await first.click();
  await expect(page.getByTestId("ticket-subject")).toHaveText(subject);
  await expect(page.getByText("Customer's other tickets")).toBeVisible();
  // The thread opens with the customer's message and holds the imported agent reply.
  const thread = page.getByTestId("thread");
  await expect(thread.getByTestId("message-customer").first()).toContainText("opened the ticket");
  await expect(thread.getByTestId("message-agent").first()).not.toBeEmpty();
  await page.screenshot({ path: `${SCREENSHOTS}/ticket.png`, fullPage: true });
});
