// An agent works the inbox as a team member does: saves a view (with its count), moves through the
// rows and claims from the keyboard, opens a reply with a key, puts a ticket back in bulk, and
// reads due times in their own time zone.
import { expect, test } from "@playwright/test";
import { apiToken, escalateByHand, login, SCREENSHOTS, waitForHydration } from "./helpers";

test("an agent saves a view, works the rows from the keyboard and acts on them in bulk", async ({ page, browser, request }) => {
  test.setTimeout(120_000);
  // Two fresh tickets, escalated by hand into the general queue: the newest there.
  const admin = await (await browser.newContext()).newPage();
  await login(admin, "admin@example.com", "/");
  const auth = await apiToken(admin, "Views spec");
  await admin.context().close();
  const stamp = Date.now() % 100000;
  const view = `Newest unassigned general ${stamp}`;
  const ids: number[] = [];
  for (const n of [1, 2]) {
    const res = await request.post("/api/v1/tickets", {
      headers: auth,
      data: { subject: `Views spec ${n} ${stamp}`, body: "Could someone call me back about my invoice?" },
    });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }
  await login(page, "sam@example.com", "/");
  for (const id of ids) await escalateByHand(page, id, "general");

  await page.goto("/inbox?queue=general&assignee=none&sort=newest");
  await waitForHydration(page);
  const views = page.getByTestId("views");
  await views.getByLabel("Name these filters").fill(view);
  await views.getByRole("button", { name: "Save as a view" }).click();
  await expect(page.getByRole("status")).toContainText(`View "${view}" saved.`);
  await expect(page).toHaveURL(/\/inbox\?queue=general&assignee=none&sort=newest&ok=/);
  await expect(views.getByRole("link", { name: view })).toHaveAttribute("aria-current", "page");
  // The view's count is what the list says matches.
  const matching = (await page.getByText(/escalations? match/).textContent())!.split(" ")[0];
  await expect(views.locator("li.current .count")).toHaveText(matching);

  // j/k move a cursor over the rows; c claims the row under it.
  const keysReady = page.getByTestId("keys");
  await expect(keysReady).toHaveAttribute("data-ready", "1");
  await page.locator("h1").click();
  const rows = page.locator("table[data-testid=inbox] tbody tr");
  await page.keyboard.press("j");
  await expect(rows.nth(0)).toHaveClass(/cursor/);
  await page.keyboard.press("j");
  await expect(rows.nth(1)).toHaveClass(/cursor/);
  await expect(rows.nth(0)).not.toHaveClass(/cursor/);
  await page.keyboard.press("k");
  await expect(rows.nth(0)).toHaveClass(/cursor/);
  const ticket = await rows.nth(0).getAttribute("data-ticket");
  expect(ticket).toBe(String(ids[1]));
  await page.keyboard.press("c");
  await expect(page.getByRole("status")).toContainText("Claimed: it is yours.");
  await expect(page).toHaveURL(/\/inbox\?queue=general&assignee=none&sort=newest&ok=Claimed/);

  // r opens the ticket with the reply box focused.
  await page.goto("/inbox?assignee=me");
  await expect(keysReady).toHaveAttribute("data-ready", "1");
  await expect(rows).toHaveCount(1);
  await expect(rows.nth(0)).toHaveAttribute("data-ticket", ticket!);
  await page.keyboard.press("j");
  await page.keyboard.press("r");
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket}\\?focus=reply`));
  await expect(page.getByLabel("Reply to the customer")).toBeFocused();

  // x ticks the row; the bulk action puts it back in the queue.
  await page.goto("/inbox?assignee=me");
  await expect(keysReady).toHaveAttribute("data-ready", "1");
  await page.keyboard.press("j");
  await page.keyboard.press("x");
  await expect(page.getByLabel(`Select ticket ${ticket}`)).toBeChecked();
  await page.getByLabel("With the selected tickets").selectOption({ label: "Put back in the queue" });
  await page.screenshot({ path: `${SCREENSHOTS}/inbox-views.png`, fullPage: true });
  await page.getByRole("button", { name: "Apply to selected" }).click();
  await expect(page.getByRole("status")).toContainText("1 ticket back in the queue.");
  await expect(rows).toHaveCount(0);

  // Due times in the agent's own zone.
  await waitForHydration(page);
  await page.getByTestId("zone").getByLabel("Show them in").fill("Asia/Tokyo");
  await page.getByRole("button", { name: "Set time zone" }).click();
  await expect(page.getByRole("status")).toContainText("Due times are shown in Asia/Tokyo.");
  await expect(page.getByTestId("zone")).toContainText("Due times in Asia/Tokyo (your time zone).");
  // The ticket's escalation panel shows them in the same zone.
  await page.goto(`/tickets/${ticket}`);
  await expect(page.getByTestId("due-times")).toContainText(/resolution due \w{3} \d+ \w{3} \d\d:\d\d \(Asia\/Tokyo\)/);
  await page.goto("/inbox");
  await waitForHydration(page);
  await page.getByTestId("zone").getByLabel("Show them in").fill("");
  await page.getByRole("button", { name: "Set time zone" }).click();
  await expect(page.getByTestId("zone")).toContainText("(the team's time zone)");

  // The view goes when deleted.
  await waitForHydration(page);
  await views.getByRole("button", { name: `Delete view ${view}` }).click();
  await expect(page.getByRole("status")).toContainText("View deleted.");
  await expect(views.getByRole("link", { name: view })).toHaveCount(0);
});
