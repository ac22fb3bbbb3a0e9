import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TAppView } from "@/lib/protocol/apps";
import { TEST_IMAGE } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { insertHost, makeMember, makeTeam, revokeInsertedHosts, type TTestUser } from "../helpers/fixtures";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";
import { signatureValid, startReceiver } from "../helpers/webhook-receiver";

/**
 * Alerts in a browser: the bell counts a team's firing alerts live, the Alerts page lists and
 * filters them, a quota-blocked autoscale alert opens the quota form filled in, the app page
 * shows a banner, and the webhooks page adds a webhook, sends a test and shows its deliveries.
 * Screenshots in test-results/e2e-alerts/ (1280 and 390 px, light and dark; 1440 px too).
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-alerts");
const UI = { timeout: 30_000, interval: 100 };
const SECRET = "browser-webhook-secret";

let admin: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let team: string;
let owner: TTestUser;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

const app = (name: string, cpu: number) => ({
  name,
  replicas: 1,
  size: { cpu, memoryMiB: 64, diskGiB: 1 },
  containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "100000"] }],
});

async function wide(p: Page, name: string): Promise<void> {
  await p.setViewportSize({ width: 1440, height: 900 });
  await p.waitForTimeout(300);
  await p.screenshot({ path: path.join(SHOTS, `${name}-light-1440.png`), fullPage: true });
  await p.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 2048, diskGiB: 10, sets: 4 } });
  owner = await makeMember(admin, team, "OWNER");
  receiver = await startReceiver([500]);
  await warmRoutes(c.url, ["/login", "/", "/alerts", "/quota", "/webhooks", "/apps/x", `/api/v1/teams/${team}/alerts`, `/api/v1/teams/${team}/webhooks`]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, owner, team);
}, 400_000);

afterAll(async () => {
  await revokeInsertedHosts(c.databaseUrl);
  await admin?.delete(`/api/v1/teams/${team}/apps/busy`);
  await context?.close();
  await browser?.close();
  await receiver?.close();
});

describe("alerts in a browser", () => {
  it("the bell counts the team's firing alerts, live", async () => {
    await openPage(page, `${c.url}/`, c.mode);
    const bell = page.getByTestId("alert-bell");
    await expect.poll(() => bell.getAttribute("aria-label"), UI).toBe("Alerts: none firing");
    // The whole CPU quota in one app (its set waits for a host; the quota counts it all the same).
    expectStatus(await owner.api.post(`/api/v1/teams/${team}/apps`, app("busy", 1)), 201);
    await expect.poll(() => bell.getAttribute("aria-label"), UI).toBe("Alerts: 1 firing");
    expect(await page.getByTestId("alert-count").textContent()).toBe("1");
    // The dashboard answers "is it healthy?" with the team's firing alerts on top, re-rendered live.
    const banner = page.getByTestId("alert-banner");
    await expect.poll(() => banner.count(), UI).toBe(1);
    expect(await banner.getByText(/uses 100 % of its CPU quota/).count()).toBe(1);
    await shoot(page, SHOTS, "01-bell");
  }, 120_000);

  it("the Alerts page lists and filters them; a blocked autoscale offers the quota request, filled in", async () => {
    await openPage(page, `${c.url}/alerts`, c.mode);
    const row = page.getByRole("row").filter({ hasText: "Quota near limit" });
    await expect.poll(() => row.count(), UI).toBe(1);
    expect(await row.getByText("Firing", { exact: true }).count()).toBe(1);
    expect(await row.getByText("Critical", { exact: true }).count()).toBe(1);
    expect(await row.getByText(/100 % of its CPU quota/).count()).toBe(1);

    // What the autoscaler writes while the quota blocks a scale-out: the page hears it over the socket.
    const busy = expectStatus(await owner.api.get(`/api/v1/teams/${team}/apps/busy`), 200) as TAppView;
    await sql(
      c.databaseUrl,
      `INSERT INTO "AutoscalePolicy" ("appId", "minReplicas", "maxReplicas", "cpuTargetPercent", "scaleOutStabilizationSeconds", "scaleInStabilizationSeconds", "blockedReason", "blockedSince", "blockedNeed", "updatedAt")
       VALUES ($1, 1, 5, 50, 0, 60, 'quota: 5 of 1 cores', now(), $2, now())`,
      [busy.id, JSON.stringify({ replicas: 4, cpuMillis: 4000, memoryMiB: 256, diskGiB: 4 })],
    );
    const request = page.getByTestId("alert-quota-request");
    await expect.poll(() => request.count(), UI).toBe(1);
    await expect.poll(() => page.getByTestId("alert-bell").getAttribute("aria-label"), UI).toBe("Alerts: 2 firing");
    expect(await request.textContent()).toContain("needs 4 more cores");
    await shoot(page, SHOTS, "02-alerts-page");
    await wide(page, "02-alerts-page");

    await page.getByLabel("Rule").selectOption("autoscale_blocked");
    await expect.poll(() => page.url(), UI).toContain("rule=autoscale_blocked");
    await expect.poll(() => page.getByRole("row").filter({ hasText: "Quota near limit" }).count(), UI).toBe(0);
    expect(await page.getByRole("row").filter({ hasText: "Autoscale blocked" }).count()).toBe(1);

    await request.click();
    await expect.poll(() => page.url(), UI).toContain("/quota?");
    const form = page.getByRole("form", { name: "Request quota" });
    await expect.poll(() => form.getByTestId("quota-prefilled").count(), UI).toBe(1);
    expect(await form.getByLabel("CPU cores", { exact: true }).inputValue()).toBe("5");
    expect(await form.getByLabel("Sets", { exact: true }).inputValue()).toBe("8");
    expect(await form.getByLabel("Reason", { exact: true }).inputValue()).toContain("needs 4 more cores");
    await shoot(page, SHOTS, "03-quota-prefilled");
    await form.getByRole("button", { name: "Request quota" }).click();
    await expect.poll(() => form.getByText("Request filed").count(), UI).toBe(1);
    const requests = (expectStatus(await owner.api.get("/api/v1/quota-requests"), 200) as Array<{ team: string; requested: { cpu: number; sets: number } }>).filter((r) => r.team === team);
    expect(requests.map((r) => r.requested)).toEqual([{ cpu: 5, memoryMiB: 2304, diskGiB: 14, sets: 8 }]);
  }, 180_000);

  it("the app page shows a banner of its firing alerts", async () => {
    await openPage(page, `${c.url}/apps/busy`, c.mode);
    const banner = page.getByTestId("alert-banner");
    await expect.poll(() => banner.count(), UI).toBe(1);
    expect(await banner.getByText(/busy cannot scale out/).count()).toBe(1);
    await shoot(page, SHOTS, "04-app-banner");
  }, 120_000);

  it("the webhooks page adds a webhook, sends a test, and shows both attempts with their codes", async () => {
    await openPage(page, `${c.url}/webhooks`, c.mode);
    const form = page.getByRole("form", { name: "Add webhook" });
    await form.getByLabel("URL", { exact: true }).fill(receiver.url);
    await form.getByLabel("Secret", { exact: true }).fill(SECRET);
    await form.getByLabel("OOM killed").check();
    await form.getByRole("button", { name: "Add webhook" }).click();
    const card = page.getByTestId("webhook").filter({ hasText: receiver.url });
    await expect.poll(() => card.count(), UI).toBe(1);
    expect(await card.getByText("OOM killed · added", { exact: false }).count()).toBe(1);

    await card.getByRole("button", { name: "Send test" }).click();
    const codes = card.getByTestId("delivery-code");
    await expect.poll(async () => (await codes.allTextContents()).map((t) => t.trim()), UI).toEqual(["200", "500"]);
    expect(await card.getByText("Delivered", { exact: true }).count()).toBe(1);
    expect(await card.getByText("Failed", { exact: true }).count()).toBe(1);
    expect(receiver.received.map((r) => r.answered)).toEqual([500, 200]);
    expect(receiver.received.every((r) => signatureValid(r, SECRET))).toBe(true);
    await shoot(page, SHOTS, "05-webhooks");
    await wide(page, "05-webhooks");
  }, 120_000);

  it("admins see platform alerts with every team's, a host row and a set page show theirs", async () => {
    const adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const adminPage = await signedInPage(adminContext, c.url, { email: c.adminEmail, password: c.adminPassword }, team);
      // A host that reported once and then went silent (no agent behind it).
      const host = await insertHost(c.databaseUrl, { status: "Unreachable" });
      await openPage(adminPage, `${c.url}/alerts?state=firing`, c.mode);
      const hostRow = adminPage.getByRole("row").filter({ hasText: host.name });
      await expect.poll(() => hostRow.count(), UI).toBe(1);
      expect(await hostRow.getByText("Host not ready").count()).toBe(1);
      expect(await hostRow.getByText("platform", { exact: true }).count()).toBe(1);
      expect(await adminPage.getByRole("row").filter({ hasText: "Quota near limit" }).filter({ hasText: team }).count()).toBe(1);
      await shoot(adminPage, SHOTS, "06-admin-alerts");

      await openPage(adminPage, `${c.url}/hosts`, c.mode);
      const row = adminPage.getByRole("row").filter({ hasText: host.name });
      await expect.poll(() => row.getByTestId("host-alert").count(), UI).toBe(1);
      expect(await row.getByTestId("host-alert").textContent()).toMatch(/^Alert firing since/);
      await shoot(adminPage, SHOTS, "07-host-row");

      // The set waits for a host; marked Failed (as a failed placement would), set_unhealthy follows in seconds.
      const busy = expectStatus(await owner.api.get(`/api/v1/teams/${team}/apps/busy`), 200) as TAppView;
      const setId = busy.sets[0].id;
      await sql(c.databaseUrl, `UPDATE "Set" SET state = 'Failed', reason = 'image pull failed (test)' WHERE id = $1`, [setId]);
      await openPage(page, `${c.url}/sets/${setId}`, c.mode);
      const banner = page.getByTestId("alert-banner");
      await expect.poll(() => banner.count(), UI).toBe(1);
      expect(await banner.getByText("Set unhealthy").count()).toBe(1);
      expect(await banner.getByText(/busy-0 is Failed: image pull failed \(test\)/).count()).toBe(1);
      await shoot(page, SHOTS, "08-set-banner");
    } finally {
      await adminContext.close();
    }
  }, 180_000);
});
