import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, execIn, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * What keeps a team's data and its host's disk safe, as the console shows it: a set whose
 * writable layers are over its disk share is flagged on its page and on the team's dashboard; a
 * set waiting for its lost host's data offers admins (only) a recovery that says what it costs.
 * Screenshots in test-results/e2e-set-safety/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-set-safety");
const UI = { timeout: 30_000, interval: 250 };
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let member: TTestUser;
let browser: Browser;
let context: BrowserContext;

async function runningSet(name: string, diskGiB: number): Promise<TSetView> {
  const app = expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 128, diskGiB },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
    }),
    201,
  ) as TAppView;
  return waitFor(`${name} Running`, async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000, 500);
}

/** Reloads until `test` holds (the set page is server-rendered; the disk scan runs every 3 s). */
async function reloadUntil(page: Page, url: string, test: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(async () => {
      await openPage(page, url, c.mode);
      return test();
    }, { timeout: 60_000, interval: 1000 })
    .toBe(true);
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "e2e-safety");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
  member = await makeMember(admin, team, "MEMBER");
  await warmRoutes(c.url, ["/login", "/", "/sets/x"]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
}, 300_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await agent?.destroy(engine, admin);
});

describe("set safety in a browser", () => {
  it("flags a set whose writable layers are over its disk share, on its page and on the dashboard", async () => {
    const set = await runningSet("hoarder", 0);
    const wrote = await execIn(engine, set.containers[0].dockerId!, ["dd", "if=/dev/urandom", "of=/tmp/hoard.bin", "bs=1M", "count=80"]);
    expect(wrote.code, wrote.report).toBe(0);
    const page = await signedInPage(context, c.url, { email: member.email, password: member.password });
    const alert = page.getByTestId("disk-share-over");
    await reloadUntil(page, `${c.url}/sets/${set.id}`, async () => (await alert.count()) === 1);
    expect(await alert.textContent()).toMatch(/over this set's share of 64 MiB/);
    await shoot(page, SHOTS, "01-set-over-disk-share");
    await openPage(page, `${c.url}/`, c.mode);
    const attention = page.getByTestId("attention-sets");
    await expect.poll(() => attention.getByRole("link", { name: set.name }).count(), UI).toBe(1);
    expect(await attention.textContent()).toMatch(/writable layers over its disk share/);
    await shoot(page, SHOTS, "02-dashboard-attention");
    await page.close();
  }, 180_000);

  it("offers admins, not members, to recover a set waiting for its lost host, saying the data stays behind", async () => {
    const set = await runningSet("keeper", 1);
    const wrote = await execIn(engine, set.containers[0].dockerId!, ["sh", "-c", "echo kept > /data/kept.txt && sync"]);
    expect(wrote.code, wrote.report).toBe(0);
    await waitFor("the volume reported as holding data", async () => {
      const rows = await sql<{ holdsData: boolean | null }>(c.databaseUrl, `SELECT "holdsData" FROM "Volume" WHERE "setId" = $1`, [set.id]);
      return rows[0]?.holdsData === true;
    }, 30_000, 500);
    await agent.kill("SIGKILL");
    await waitFor("the set held for its host", async () => {
      const s = (await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView;
      return s.state === "Pending" && /volume on unreachable host/.test(s.reason ?? "");
    }, 150_000, 1000); // the e2e console reschedules after 60 s

    const memberPage = await signedInPage(context, c.url, { email: member.email, password: member.password });
    await openPage(memberPage, `${c.url}/sets/${set.id}`, c.mode);
    await expect.poll(() => memberPage.getByRole("status").filter({ hasText: "volume on unreachable host" }).count(), UI).toBe(1);
    expect(await memberPage.getByRole("button", { name: "Recover elsewhere…" }).count()).toBe(0);
    await memberPage.close();

    const page = await signedInPage(context, c.url, { email: c.adminEmail, password: c.adminPassword });
    await openPage(page, `${c.url}/sets/${set.id}`, c.mode);
    await page.getByRole("button", { name: "Recover elsewhere…" }).click();
    const dialog = page.getByRole("dialog", { name: "Start this set on another host without its data?" });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    expect(await dialog.textContent()).toMatch(/empty volume/);
    await shoot(page, SHOTS, "03-recover-dialog");
    await dialog.getByRole("button", { name: "Recover without the data" }).click();
    // Off the lost host: not placed yet (or placed on another Ready host), so nothing left to recover.
    await expect.poll(() => page.getByRole("button", { name: "Recover elsewhere…" }).count(), UI).toBe(0);
    await shoot(page, SHOTS, "04-recovered");
    const after = (await admin.get(`/api/v1/sets/${set.id}`)).body as TSetView;
    expect(after.host?.id ?? null).not.toBe(agent.hostId());
    await page.close();
  }, 360_000);
});
