// An admin subscribes a local receiver to webhooks, sends a test event, sees it delivered and
// signed, reads its attempt log, and adds an inbound source that then creates a ticket.
import { test, expect } from "@playwright/test";
import * as crypto from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { login, waitForHydration, SCREENSHOTS } from "./helpers";

type Hit = { headers: http.IncomingHttpHeaders; body: string };

test("an admin wires webhooks both ways from the Integrations page", async ({ page, request }) => {
  const hits: Hit[] = [];
  const receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"status":"success"}');
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/catch/1/abc`;
  try {
    await login(page, "admin@example.com", "/");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Integrations" }).click();
    await expect(page.getByRole("heading", { name: "Integrations", level: 1 })).toBeVisible();
    await waitForHydration(page);

    await page.getByLabel("Name").first().fill("Zapier escalations");
    await page.getByLabel("URL").fill(url);
    await page.getByLabel("escalation.created").check();
    await page.getByLabel("issue.spike").check();
    await page.getByRole("button", { name: "Subscribe" }).click();
    const secret = page.getByTestId("new-subscription").locator("code");
    await expect(secret).toHaveText(/^whsec_[0-9a-f]{64}$/);
    const key = (await secret.textContent()) ?? "";

    const row = page.getByTestId("subscriptions").locator("tbody tr", { hasText: "Zapier escalations" });
    await row.getByRole("button", { name: "Send a test event to Zapier escalations" }).click();
    await expect(page.getByTestId("test-queued")).toBeVisible();
    // The server's worker sends it within a second or two.
    await expect.poll(() => hits.length, { timeout: 15_000 }).toBeGreaterThan(0);
    const hit = hits[0];
    expect(hit.headers["ticketlens-event"]).toBe("webhook.test");
    const [t, v1] = String(hit.headers["ticketlens-signature"]).split(",");
    const expected = crypto.createHmac("sha256", key).update(`${t.slice(2)}.${hit.body}`).digest("hex");
    expect(v1.slice(3)).toBe(expected);

    await page.goto("/integrations?status=delivered");
    await waitForHydration(page);
    const delivery = page.getByTestId("deliveries").locator("tbody tr").first();
    await expect(delivery).toContainText("webhook.test");
    await expect(delivery).toContainText("delivered");
    await delivery.getByRole("link").first().click();
    await expect(page.getByTestId("attempts")).toContainText("HTTP 200");

    // Inbound: a source signs a ticket with its secret; the ticket appears under that source.
    await page.getByLabel("Source name").fill("zapier");
    await page.getByRole("button", { name: "Add source" }).click();
    const inboundSecret = (await page.getByTestId("new-inbound").locator("code").textContent()) ?? "";
    expect(inboundSecret).toMatch(/^whsec_/);
    const body = JSON.stringify({ subject: "Webhook ticket <b>bold?</b>", text: "Sent by a Zap.", from: "Zed <zed@example.com>", id: "zap-1" });
    const ts = Math.floor(Date.now() / 1000);
    const sig = crypto.createHmac("sha256", inboundSecret).update(`${ts}.${body}`).digest("hex");
    const made = await request.post("/hooks/inbound/zapier", {
      headers: { "content-type": "application/json", "TicketLens-Signature": `t=${ts},v1=${sig}` },
      data: body,
    });
    expect(made.status()).toBe(201);
    const { ticket_id } = await made.json();
    await page.reload();
    await expect(page.getByTestId("inbound").locator("tbody tr", { hasText: "zapier" })).toContainText("1");
    await page.screenshot({ path: `${SCREENSHOTS}/integrations.png`, fullPage: true });

    await page.goto(`/tickets/${ticket_id}`);
    await expect(page.getByTestId("ticket-subject")).toHaveText("Webhook ticket <b>bold?</b>");
  } finally {
    receiver.close();
  }
});
