// A manager sets round-robin on a queue; two agents (two browser contexts) receive its tickets in
// turn, one goes away and her ticket goes to the other, and a ticket on a one-minute SLA climbs:
// its assignee is warned when it is at risk and the queue's manager is told when it breaches.
import { Browser, expect, Page, test } from "@playwright/test";
import { apiToken, escalateByHand, login, SCREENSHOTS, waitForHydration } from "./helpers";

async function as(browser: Browser, email: string, next: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await login(page, email, next);
  return page;
}

type Sla = { first: string; resolution: string; next: string; aroundClock: boolean };

/** The Rules page's row of SLA targets for `priority`. */
async function slaRow(page: Page, priority: string) {
  await page.goto("/rules#sla");
  await waitForHydration(page);
  return page.locator("#sla tr").filter({ has: page.locator(`input[name=priority][value=${priority}]`) });
}

async function readSla(page: Page, priority: string): Promise<Sla> {
  const row = await slaRow(page, priority);
  return {
    first: await row.getByLabel("First response (min)").inputValue(),
    resolution: await row.getByLabel("Resolution (min)").inputValue(),
    next: await row.getByLabel("Next response (min)").inputValue(),
    aroundClock: await row.getByLabel("around the clock").isChecked(),
  };
}

async function setSla(page: Page, priority: string, sla: Sla) {
  const row = await slaRow(page, priority);
  await row.getByLabel("First response (min)").fill(sla.first);
  await row.getByLabel("Resolution (min)").fill(sla.resolution);
  await row.getByLabel("Next response (min)").fill(sla.next);
  await row.getByLabel("around the clock").setChecked(sla.aroundClock);
  await row.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText(`SLA for ${priority} saved.`);
}

/** Who the worker gave ticket `id` to (it assigns every 2 s). */
async function holderOf(page: Page, id: number): Promise<string> {
  const holder = page.getByTestId("holder");
  await expect(async () => {
    await page.goto(`/tickets/${id}`);
    await expect(holder).toHaveText(/ has it\.$/, { timeout: 1_000 });
  }).toPass({ timeout: 30_000, intervals: [1_000] });
  return (await holder.textContent())!.replace(" has it.", "");
}

/** Escalates a ticket by hand into `queue` and returns who the worker gave it to. */
async function escalate(page: Page, id: number, queue: string): Promise<string> {
  await escalateByHand(page, id, queue);
  return holderOf(page, id);
}

test("round-robin hands tickets out in turn, away hands them back, and an SLA breach reaches the manager", async ({ page, browser, request }) => {
  test.setTimeout(300_000);
  const queue = `e2e-team-${Date.now() % 100000}`;

  // The manager adds the queue and sets it to round-robin between Alex and Bea.
  const manager = await as(browser, "manager@example.com", "/team");
  await waitForHydration(manager);
  await manager.getByTestId("add-queue").getByLabel("Name").fill(queue);
  await manager.getByRole("button", { name: "Add queue" }).click();
  const row = manager.getByTestId("queue-row").filter({ hasText: queue });
  await expect(row).toBeVisible();
  await waitForHydration(manager);
  await row.getByLabel(`Assignment in ${queue}`).selectOption("round_robin");
  await row.getByLabel("When an agent is away").selectOption("hand_back");
  await row.getByLabel(`Manager of ${queue}`).selectOption({ label: "Max Manager" });
  await row.getByLabel("Alex Agent").check();
  await row.getByLabel("Bea Agent").check();
  await row.getByRole("button", { name: "Save" }).click();
  await expect(manager.getByRole("status")).toContainText(`Queue "${queue}" saved: round-robin.`);

  // Three tickets arrive by the API (low priority, nothing the rules escalate).
  await login(page, "admin@example.com", "/");
  const auth = await apiToken(page, "Team spec");
  const ids: number[] = [];
  for (const n of [1, 2, 3]) {
    const res = await request.post("/api/v1/tickets", {
      headers: auth,
      data: { subject: `Call back request ${n} ${queue}`, body: "Could someone call me back about my order?", priority: "low" },
    });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }

  // The first ticket goes in on a one-minute SLA around the clock (restored right after, also
  // when the escalation fails, so later specs see the usual targets).
  const usual = await readSla(page, "low");
  await setSla(page, "low", { first: "1", resolution: "2", next: "1", aroundClock: true });
  let first: string;
  try {
    await escalateByHand(page, ids[0], queue);
  } finally {
    await setSla(page, "low", usual);
  }
  first = await holderOf(page, ids[0]);
  const second = await escalate(page, ids[1], queue);
  expect([first, second].sort()).toEqual(["Alex Agent", "Bea Agent"]);

  // Each agent finds their own ticket in their inbox.
  const alex = await as(browser, "agent@example.com", "/inbox");
  const bea = await as(browser, "bea@example.com", "/inbox");
  const [alexTicket, beaTicket] = first === "Alex Agent" ? [ids[0], ids[1]] : [ids[1], ids[0]];
  await alex.goto(`/inbox?queue=${queue}&assignee=me`);
  await expect(alex.locator(`tr[data-ticket="${alexTicket}"]`)).toBeVisible();
  await bea.goto(`/inbox?queue=${queue}&assignee=me`);
  await expect(bea.locator(`tr[data-ticket="${beaTicket}"]`)).toBeVisible();
  await expect(bea.locator(`tr[data-ticket="${alexTicket}"]`)).toHaveCount(0);

  try {
    // Bea goes away: her ticket goes back to the queue and out again, to Alex; so does the next.
    await waitForHydration(bea);
    await bea.getByRole("button", { name: "Go away" }).click();
    await expect(bea.getByRole("status")).toContainText("1 ticket was handed back");
    expect(await escalate(page, ids[2], queue)).toBe("Alex Agent");
    await page.goto(`/tickets/${beaTicket}`);
    await expect(page.getByTestId("holder")).toHaveText("Alex Agent has it.");
    await expect(page.getByTestId("activity")).toContainText("handed back");
    await manager.goto("/team");
    await expect(manager.getByTestId("agent-row").filter({ hasText: "Bea Agent" })).toContainText("away");
    await manager.screenshot({ path: `${SCREENSHOTS}/team.png`, fullPage: true });

    // The one-minute ticket: at risk after 48 s (its holder then is told), breached after 60 s
    // (its holder and the queue's manager are told); the trail says who was told.
    const trail = page.getByTestId("activity");
    await expect(async () => {
      await page.goto(`/tickets/${ids[0]}`);
      await expect(trail).toContainText("Breached: ", { timeout: 1_000 });
    }).toPass({ timeout: 120_000, intervals: [2_000] });
    const warned = (await trail.locator("li", { hasText: "At risk: " }).locator(".activity-body").textContent())!;
    const toldFirst = warned.split("; told ")[1];
    expect(["Alex Agent", "Bea Agent"]).toContain(toldFirst);
    await expect(trail.locator("li", { hasText: "Breached: " })).toContainText(/told .*Max Manager/);
    const holderPage = toldFirst === "Alex Agent" ? alex : bea;
    await holderPage.goto("/inbox");
    await expect(
      holderPage.getByTestId("notifications").getByRole("link", { name: new RegExp(`At risk: .* ticket #${ids[0]} `) }),
    ).toBeVisible();
    const breach = manager.getByTestId("notifications").getByRole("link", { name: new RegExp(`Breached: .* ticket #${ids[0]} `) });
    await manager.goto("/inbox");
    await expect(breach).toBeVisible();
    await manager.screenshot({ path: `${SCREENSHOTS}/notifications.png`, fullPage: true });
    await breach.click();
    await expect(manager.getByTestId("escalation-heading")).toHaveText("Escalated");

    // The manager reads the notifications.
    await manager.goto("/inbox");
    await waitForHydration(manager);
    await manager.getByRole("button", { name: "Mark all read" }).click();
    await expect(manager.getByTestId("notifications")).toHaveCount(0);
  } finally {
    // Bea comes back (also when a step failed, so later specs find her available).
    await bea.goto("/inbox");
    await waitForHydration(bea);
    const back = bea.getByRole("button", { name: "I'm back" });
    if (await back.isVisible()) {
      await back.click();
      await expect(bea.getByRole("status")).toContainText("You are available");
    }
    for (const p of [manager, alex, bea]) await p.context().close();
  }
});
