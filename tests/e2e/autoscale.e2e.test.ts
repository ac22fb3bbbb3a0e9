import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, uid, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { loadContainer } from "../helpers/load";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * Autoscaling from the app page: a member turns it on with the dialog, sees the live CPU against
 * the target, and (the team's quota holds one set, the load needs four) the blocked notice whose
 * link opens the quota request form pre-filled with what is missing. Real agent, real Docker.
 * Screenshots in test-results/e2e-autoscale/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-autoscale");
const UI = { timeout: 60_000, interval: 200 };

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let team: string;
let member: TTestUser;

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, uid("e2e-autoscale"));
  // One set of 0.1 core fits; the load (200 % of one set at a 50 % target) wants four.
  team = await makeTeam(admin, { quota: { cpu: 0.1, memoryMiB: 1024, diskGiB: 10, sets: 10 } });
  member = await makeMember(admin, team, "MEMBER");
  const res = await member.api.post(`/api/v1/teams/${team}/apps`, {
    name: "shop",
    replicas: 1,
    size: { cpu: 0.1, memoryMiB: 32, diskGiB: 0 },
    containers: [loadContainer("shop", 200, Date.now() + 600_000)],
  });
  expectStatus(res, 201);
  // On a machine shared with other suites the first pull and start can take a while.
  let seen = "";
  await waitFor("shop Running", async () => {
    const set = (expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/shop`), 200) as TAppView).sets[0];
    seen = `${set?.state}: ${set?.reason}`;
    if (set?.state === "Failed") throw new Error(`set failed: ${set.reason}`);
    return set?.state === "Running" ? true : null;
  }, 180_000).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; the set was ${seen}`);
  });
  await warmRoutes(c.url, ["/login", "/apps/shop", "/quota"]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, member, team);
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await member?.api.delete(`/api/v1/teams/${team}/apps/shop`);
  await agent?.destroy(engine, admin);
}, 120_000);

describe("autoscale on the app page", () => {
  it("shows Autoscale off, then sets a policy from the dialog and shows it with the live CPU", async () => {
    await openPage(page, `${c.url}/apps/shop`, c.mode);
    const card = page.getByRole("region", { name: /Autoscale/ });
    await expect.poll(() => card.getByText("Autoscale off: the app runs the replicas set above.").count(), UI).toBe(1);
    await card.getByRole("button", { name: "Set up autoscaling…" }).click();
    const dialog = page.getByRole("dialog", { name: "Autoscale shop" });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    await shoot(page, SHOTS, "00-dialog");
    // A bad bound is refused by the server with the field named.
    await dialog.getByLabel("Min sets").fill("5");
    await dialog.getByLabel("Max sets").fill("4");
    await dialog.getByRole("button", { name: "Turn on autoscaling" }).click();
    await expect.poll(() => dialog.getByText("must be at least minReplicas (5)", { exact: true }).count(), UI).toBe(1);
    await dialog.getByLabel("Min sets").fill("1");
    await dialog.getByLabel("CPU target %").fill("50");
    await dialog.getByLabel("Scale out after (s)").fill("0");
    await dialog.getByLabel("Scale in after (s)").fill("60");
    await dialog.getByRole("button", { name: "Turn on autoscaling" }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);
    await expect.poll(() => card.getByText("1–4 sets · out after 0 s above target, in after 60 s below").count(), UI).toBe(1);
    // The leader's live measurement reaches the page: the set burns its whole CPU limit.
    await expect.poll(async () => Number((await card.getByTestId("autoscale-cpu").textContent())?.match(/^(\d+) %/)?.[1] ?? -1), UI).toBeGreaterThan(60);
    const policy = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/shop/autoscale`), 200);
    expect(policy).toMatchObject({ minReplicas: 1, maxReplicas: 4, cpuTargetPercent: 50, scaleOutStabilizationSeconds: 0, scaleInStabilizationSeconds: 60 });
  }, 240_000);

  it("shows the quota block and links to a pre-filled quota request", async () => {
    const card = page.getByRole("region", { name: /Autoscale/ });
    const blocked = card.getByTestId("autoscale-blocked");
    await expect.poll(() => blocked.count(), UI).toBe(1);
    expect(await blocked.textContent()).toContain("Quota: scale-out to 2 needs 0.1 more cores");
    await shoot(page, SHOTS, "01-app-autoscale-blocked");
    await blocked.getByRole("link", { name: "Request the quota it needs →" }).click();
    await page.waitForURL(/\/quota\?/);
    const form = page.getByRole("form", { name: "Request quota" });
    await expect.poll(() => form.count(), UI).toBe(1);
    expect(await form.getByLabel("CPU cores", { exact: true }).inputValue()).toBe("0.2");
    expect(await form.getByLabel("Reason", { exact: true }).inputValue()).toContain("Autoscaling of shop: Quota: scale-out to 2 needs 0.1 more cores");
    await shoot(page, SHOTS, "02-quota-prefilled");
  }, 180_000);

  it("turns autoscaling off", async () => {
    await openPage(page, `${c.url}/apps/shop`, c.mode);
    const card = page.getByRole("region", { name: /Autoscale/ });
    await card.getByRole("button", { name: "Turn off" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Turn off autoscaling" }).click();
    await expect.poll(() => card.getByText("Autoscale off: the app runs the replicas set above.").count(), UI).toBe(1);
    expect((await member.api.get(`/api/v1/teams/${team}/apps/shop/autoscale`)).status).toBe(404);
  }, 120_000);
});
