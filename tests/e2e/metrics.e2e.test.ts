import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, uniqueIp, type Api } from "../helpers/api";
import { browserLogin, cspViolations, launchBrowser } from "../helpers/browser";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

/**
 * The set page in a real Chromium against a real agent: the charts draw and move every second,
 * the range switch reads the rollups, and another team's set is a not-found page.
 */
const c = consoleInfo();
const SHOTS = path.join(REPO_ROOT, "test-results", "metrics");
let browser: Browser;
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let member: TTestUser;
let set: TSetView;

async function signedIn(user: TTestUser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
  expect(await browserLogin(context, c.url, user.email, user.password, { ip: uniqueIp() })).toBe(200);
  // A dev console compiles the page and its chunks on first use; on a busy machine that takes a while.
  context.setDefaultTimeout(60_000);
  context.setDefaultNavigationTimeout(150_000);
  return { context, page: await context.newPage() };
}

/** The `d` of the first CPU line (read in one step: recharts replaces the element as it redraws). */
function cpuPath(page: Page): Promise<string | null> {
  return page.evaluate(() => document.querySelector('figure[data-metric="CPU"] path.recharts-curve')?.getAttribute("d") ?? null);
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "metrics-e2e");
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 2 } });
  member = await makeMember(admin, team, "MEMBER");
  const app = expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: "charts",
      replicas: 1,
      size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
      containers: [
        { index: 0, name: "busy", image: TEST_IMAGE, cpu: 40, memory: 50, command: ["sh", "-c", "while :; do :; done"] },
        { index: 1, name: "idle", image: TEST_IMAGE, cpu: 60, memory: 50, command: ["sleep", "1000000"] },
      ],
    }),
    201,
  ) as TAppView;
  set = await waitFor("set Running", async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000);
});

afterAll(async () => {
  // Charts (inline styles), the terminal and live sockets all ran under the console's CSP.
  expect(cspViolations).toEqual([]);
  await browser?.close();
  if (set) await member.api.delete(`/api/v1/teams/${team}/apps/charts`);
  await agent?.destroy(engine, admin);
});

describe("the set page", () => {
  it("shows the set's state, containers and limits, and live charts that move every second", async () => {
    const { context, page } = await signedIn(member);
    const seen: string[] = [];
    page.on("console", (m) => seen.push(`${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => seen.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => seen.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
    try {
      await page.goto(`${c.url}/sets/${set.id}`);
      expect(await page.locator("h1").textContent()).toBe(set.name);
      expect(await page.getByText("Running").first().isVisible()).toBe(true);
      expect(await page.getByRole("link", { name: "Metrics" }).getAttribute("aria-current")).toBe("page");
      expect(await page.locator("tbody tr").count()).toBe(2);
      await page.getByText("Live · every second").waitFor({ timeout: 60_000 });
      await expect.poll(() => cpuPath(page), { timeout: 30_000 }).toBeTruthy();
      const before = await cpuPath(page);
      await page.waitForTimeout(2500);
      expect(await cpuPath(page)).not.toBe(before);
      // Four charts, each with its unit on the axis.
      const svgTexts = await page.evaluate(() => [...document.querySelectorAll("figure svg text")].map((t) => t.textContent ?? ""));
      for (const unit of ["%", "MiB", "KB/s"]) expect(svgTexts).toContain(unit);
      await page.screenshot({ path: path.join(SHOTS, "set-live.png"), fullPage: true });
    } catch (err) {
      await page.screenshot({ path: path.join(SHOTS, "set-live-failed.png"), fullPage: true, timeout: 60_000 })
        .catch((shotErr: unknown) => seen.push(`(no failure screenshot: ${(shotErr as Error).message})`));
      throw new Error(`${(err as Error).message}\nbrowser console:\n${seen.slice(-30).join("\n")}`);
    } finally {
      await context.close();
    }
  }, 240_000);

  it("reloads a set page whose code failed to load, and then it is live", async () => {
    const { context, page } = await signedIn(member);
    // What Chromium does when Docker adds a bridge mid-load (ERR_NETWORK_CHANGED): one script of
    // the page fails. Without the reload the page stays server-rendered: "Polling", charts loading.
    let failed: string | null = null;
    await page.route("**/_next/static/chunks/**", async (route) => {
      if (failed === null && route.request().resourceType() === "script") {
        failed = route.request().url();
        await route.abort("internetdisconnected");
      } else await route.continue();
    });
    try {
      await page.goto(`${c.url}/sets/${set.id}`);
      await page.getByText("Live · every second").waitFor({ timeout: 60_000 });
      expect(await page.getByRole("status").filter({ hasText: /^Live$/ }).count()).toBe(1);
      expect(failed).toContain("/_next/static/chunks/");
      const reloads = JSON.parse((await page.evaluate(() => sessionStorage.getItem("berth:asset-reloads"))) ?? "[]") as number[];
      expect(reloads).toHaveLength(1);
    } finally {
      await context.close();
    }
  }, 180_000);

  it("shows each container's writable layer and the volume's use from the host's disk scan", async () => {
    await waitFor("a disk scan recorded", async () => {
      const s = (await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView;
      return s.containers.every((x) => x.diskBytes !== null) && s.volume?.usedBytes !== null;
    }, 30_000);
    const { context, page } = await signedIn(member);
    try {
      await page.goto(`${c.url}/sets/${set.id}`);
      const layers = await page.getByTestId("writable-layer").allTextContents();
      expect(layers).toHaveLength(2);
      for (const l of layers) expect(l.trim()).toMatch(/^[\d,.]+ (B|KiB|MiB)$/);
      expect(await page.getByRole("columnheader", { name: "Writable layer" }).count()).toBe(1);
      expect(await page.getByTestId("set-volume").textContent()).toMatch(/ used of 1 GiB at \/data$/);
      await page.screenshot({ path: path.join(SHOTS, "set-disk.png"), fullPage: false });
    } finally {
      await context.close();
    }
  });

  it("switches to the last hour of per-minute rollups", async () => {
    const { context, page } = await signedIn(member);
    try {
      await page.goto(`${c.url}/sets/${set.id}`);
      await page.getByText("Live · every second").waitFor({ timeout: 60_000 });
      await page.getByRole("button", { name: "1 h" }).click();
      expect(await page.getByRole("button", { name: "1 h" }).getAttribute("aria-pressed")).toBe("true");
      await page.getByText("1-minute averages").waitFor({ timeout: 60_000 });
      await page.screenshot({ path: path.join(SHOTS, "set-1h.png"), fullPage: true });
    } finally {
      await context.close();
    }
  }, 240_000);

  it("another team's set is a not-found page", async () => {
    const outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
    const { context, page } = await signedIn(outsider);
    try {
      const res = await page.goto(`${c.url}/sets/${set.id}`);
      expect(res?.status()).toBe(404);
      expect(await page.locator("h1").textContent()).not.toBe(set.name);
    } finally {
      await context.close();
    }
  }, 240_000);

  it("stops and starts the set from its page, asking before the stop; a viewer's buttons say why they are off", async () => {
    // The badge beside the set's id.
    const header = (page: Page) => page.locator("h1").locator("xpath=..");
    const { context, page } = await signedIn(member);
    try {
      await page.goto(`${c.url}/sets/${set.id}`);
      expect(await page.getByRole("button", { name: "Start", exact: true }).getAttribute("aria-disabled")).toBe("true");
      await page.getByRole("button", { name: "Stop", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Stop this set?" });
      await dialog.getByRole("button", { name: "Stop set" }).click();
      await expect.poll(() => header(page).getByText("Stopped", { exact: true }).count(), { timeout: 60_000 }).toBe(1);
      expect(((await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView).state).toBe("Stopped");
      // Containers of a stopped set exited on purpose: no red "Exited".
      await expect.poll(() => page.locator("tbody").getByText("Stopped", { exact: true }).count(), { timeout: 30_000 }).toBe(2);
      await page.screenshot({ path: path.join(SHOTS, "set-stopped.png") });
      await page.getByRole("button", { name: "Start", exact: true }).click();
      await expect.poll(() => header(page).getByText("Running", { exact: true }).count(), { timeout: 60_000 }).toBe(1);
      expect(((await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView).state).toBe("Running");
    } finally {
      await context.close();
    }
    await checkViewerButtons();
  }, 240_000);

  it("says when the set's host is unreachable and the state shown is the last it reported", async () => {
    const { context, page } = await signedIn(member);
    try {
      await agent.kill("SIGKILL");
      await page.goto(`${c.url}/sets/${set.id}`);
      await expect
        .poll(async () => {
          await page.reload();
          return page.getByTestId("host-unreachable").count();
        }, { timeout: 30_000, interval: 1000 })
        .toBe(1);
      expect(await page.locator("h1").locator("xpath=..").getByText("Running", { exact: true }).count()).toBe(1);
      await page.screenshot({ path: path.join(SHOTS, "set-host-unreachable.png") });
    } finally {
      await context.close();
      agent.start();
      await waitFor("host Ready again", async () => {
        const s = (await member.api.get(`/api/v1/sets/${set.id}`)).body as TSetView;
        return s.host?.status === "Ready";
      }, 60_000);
    }
  }, 240_000);
});

/** A viewer sees the set's buttons, each off and saying why. */
async function checkViewerButtons(): Promise<void> {
  const viewer = await makeMember(admin, team, "VIEWER");
  const seen = await signedIn(viewer);
  try {
    await seen.page.goto(`${c.url}/sets/${set.id}`);
    for (const name of ["Start", "Restart", "Stop"]) {
      const b = seen.page.getByRole("button", { name, exact: true });
      expect(await b.getAttribute("aria-disabled")).toBe("true");
      expect(await b.getAttribute("title")).toMatch(/MEMBER role/);
    }
  } finally {
    await seen.context.close();
  }
}
