import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { cspViolations, launchBrowser, watchCsp } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shotsDir, signedInPage } from "../helpers/screens";

/**
 * Logs and set actions that tell the truth (issue 15), in Chromium against a real agent: a silent
 * container's logs say "connected" at once, a followed log carries on across a restart with a
 * gap marker, "Jump to live" after scrolling up, merged logs of a set and of an app, and a
 * restart that shows its steps container by container. Screenshots at 1440 and 390 px, light
 * and dark, in test-results/e2e-logs-actions/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-logs-actions");
const APP = "tidings";

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let team: string;
let member: TTestUser;
let set: TSetView;
let browser: Browser;
const contexts: BrowserContext[] = [];

// Both exit at once on SIGTERM (a shell as PID 1 ignores it otherwise, and each stop would wait 10 s).
const TALKER = ["sh", "-c", "trap 'exit 0' TERM; i=0; while :; do i=$((i+1)); echo \"GET /orders/$i 200\"; sleep 0.3; done"];
const QUIET = ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"];

async function page(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  contexts.push(context);
  watchCsp(context);
  return signedInPage(context, c.url, member, team);
}

/** Light and dark at 1440 and 390 px, named `<name>-<scheme>-<width>.png`; left light at 1440. */
async function shoot(p: Page, name: string): Promise<void> {
  for (const scheme of ["light", "dark"] as const) {
    for (const [width, height] of [[1440, 900], [390, 844]] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      await p.setViewportSize({ width, height });
      await p.waitForTimeout(400);
      await p.screenshot({ path: path.join(SHOTS, `${name}-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await p.emulateMedia({ colorScheme: "light" });
  await p.setViewportSize({ width: 1440, height: 900 });
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "e2e-logs-actions");
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 2048, diskGiB: 8, sets: 4 } });
  member = await makeMember(admin, team, "MEMBER");
  const app = expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: APP,
      replicas: 1,
      size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 },
      containers: [
        { index: 0, name: "talker", image: TEST_IMAGE, cpu: 50, memory: 50, command: TALKER },
        { index: 1, name: "quiet", image: TEST_IMAGE, cpu: 50, memory: 50, command: QUIET },
      ],
    }),
    201,
  ) as TAppView;
  set = await waitFor("set Running", async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Running" ? s : null;
  }, 120_000);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  expect(cspViolations).toEqual([]);
  await agent?.destroy(engine, admin);
});

const logPane = (p: Page) => p.getByRole("log");

describe("logs that tell the truth", () => {
  it("a silent container's logs say connected within a second, not Loading over a blank pane", async () => {
    const p = await page();
    await openPage(p, `${c.url}/sets/${set.id}?tab=logs&container=quiet`, c.mode);
    const started = Date.now();
    await p.getByText("Connected — no output yet").waitFor({ timeout: 1000 });
    const ms = Date.now() - started;
    console.info(`[e2e] silent container: "Connected — no output yet" ${ms} ms after the page loaded`);
    expect(await p.getByText("Loading").count()).toBe(0);
    await shoot(p, "logs-silent");
  });

  it("a followed log resumes after a restart with a gap marker, never Ended; Jump to live after scrolling up", async () => {
    const p = await page();
    await openPage(p, `${c.url}/sets/${set.id}?tab=logs&container=talker`, c.mode);
    await logPane(p).getByText(/GET \/orders\/\d+ 200/).first().waitFor({ timeout: 30_000 });
    expectStatus(await member.api.post(`/api/v1/sets/${set.id}/restart`), 200);
    const marker = p.getByTestId("log-gap").filter({ hasText: /— container restarted at \d\d:\d\d:\d\d —/ });
    await marker.waitFor({ timeout: 60_000 });
    await expect.poll(async () => p.getByTestId("log-gap").filter({ hasText: "container stopped" }).count()).toBeGreaterThan(0);
    // New lines after the marker, from the restarted container.
    await expect
      .poll(
        () =>
          marker.last().evaluate((el) => {
            const next = el.nextElementSibling;
            return next?.textContent?.includes("GET /orders/") ?? false;
          }),
        { timeout: 30_000 },
      )
      .toBe(true);
    expect(await p.getByRole("button", { name: "Following" }).getAttribute("aria-pressed")).toBe("true");
    expect(await p.getByText("Ended", { exact: true }).count()).toBe(0);
    await shoot(p, "logs-restarted");

    await logPane(p).evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event("scroll"));
    });
    const jump = p.getByRole("button", { name: /Jump to live/ });
    await jump.waitFor();
    await jump.click();
    await jump.waitFor({ state: "hidden" });
    const atBottom = await logPane(p).evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 30);
    expect(atBottom).toBe(true);
  });

  it("All containers merges the set's logs with a container column; the app page merges every set's", async () => {
    const p = await page();
    await openPage(p, `${c.url}/sets/${set.id}?tab=logs`, c.mode);
    await p.locator('section[aria-label="Container logs"] select').selectOption("*");
    await logPane(p).getByText("talker", { exact: true }).first().waitFor({ timeout: 30_000 });
    await expect.poll(async () => p.getByRole("log", { name: "Logs of all containers" }).count()).toBe(1);

    await openPage(p, `${c.url}/apps/${APP}`, c.mode);
    await p.getByRole("button", { name: "Show logs" }).click();
    await p.getByRole("log", { name: `Logs of ${APP}` }).getByText(`${set.name}/talker`, { exact: true }).first().waitFor({ timeout: 30_000 });
    await p.getByRole("log", { name: `Logs of ${APP}` }).scrollIntoViewIfNeeded();
    await shoot(p, "logs-app");
  });
});

describe("set actions with progress", () => {
  it("a restart shows its steps container by container, the badge never reads Running meanwhile, and it ends in success", async () => {
    const p = await page();
    await openPage(p, `${c.url}/sets/${set.id}`, c.mode);
    await p.getByRole("button", { name: "Restart", exact: true }).click();
    await p.getByRole("button", { name: "Restart set" }).click();
    const progress = p.getByTestId("set-action-progress");
    await progress.getByText(/Restarting…/).waitFor({ timeout: 5000 });
    // The steps and the badge while it works.
    const seen = new Set<string>();
    let badgeRunning = false;
    while ((await progress.getAttribute("data-phase")) === "working") {
      seen.add(((await progress.textContent()) ?? "").replace(/\s+/g, " "));
      if ((await p.locator("header").getByText("Running", { exact: true }).count()) > 0) badgeRunning = true;
      await p.waitForTimeout(50);
    }
    console.info(`[e2e] restart steps seen: ${[...seen].join(" | ")}`);
    expect([...seen].some((t) => /container \d of 2/.test(t))).toBe(true);
    expect(badgeRunning).toBe(false);
    expect(await progress.getAttribute("data-phase")).toBe("done");
    await progress.getByText("2 of 2 containers running").waitFor();
    await shoot(p, "set-restarted");
  });
});

describe("charts that read at a glance", () => {
  it("CPU shows current values and its limit line, idle CPU sits on a 0–10 % axis, and the tooltip follows the theme", async () => {
    const p = await page();
    await openPage(p, `${c.url}/sets/${set.id}?tab=metrics`, c.mode);
    const cpu = p.locator('figure[data-metric="CPU"]');
    const readout = cpu.getByTestId("chart-readout");
    await readout.getByText(/^\d[\d.,]* %$/).first().waitFor({ timeout: 60_000 });
    // Both containers are 50 % of 0.5 cores: a limit of 25 % of one core each, one line for both.
    await readout.getByText("limit", { exact: true }).waitFor();
    expect(await readout.textContent()).toContain("25 %");
    // The quiet container idles: the axis still reads up to 10 %, not a full-height 0.002 %.
    const topTick = async () => {
      // Tick labels may be drawn in a layer of their own: the y ticks are the ones that read as numbers (x ticks are times).
      const ticks = await cpu.locator(".recharts-cartesian-axis-tick-value").allTextContents();
      return Math.max(...ticks.map((t) => Number(t.replace(/,/g, ""))).filter(Number.isFinite));
    };
    await expect.poll(topTick, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    await cpu.getByLabel("Scale to limit").check();
    await expect.poll(async () => cpu.locator(".recharts-reference-line").count()).toBeGreaterThan(0);

    await p.emulateMedia({ colorScheme: "dark" });
    const box = await cpu.getByRole("application").boundingBox();
    if (!box) throw new Error("no chart surface");
    await p.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    const tooltip = cpu.locator(".recharts-default-tooltip");
    await tooltip.waitFor();
    const bg = await tooltip.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(bg).toBe("rgb(24, 24, 27)");
    await p.screenshot({ path: path.join(SHOTS, "chart-tooltip-dark-1440.png") });
    await p.emulateMedia({ colorScheme: "light" });
    await shoot(p, "charts");
  });

  it("the app page charts every set: a line per set with its current value", async () => {
    const p = await page();
    await openPage(p, `${c.url}/apps/${APP}`, c.mode);
    const cpu = p.locator('figure[data-metric="app-CPU"]');
    await cpu.getByTestId("chart-readout").getByText(set.name, { exact: true }).waitFor({ timeout: 60_000 });
    expect(await cpu.locator(".recharts-area").count()).toBe(1);
    await cpu.scrollIntoViewIfNeeded();
    await shoot(p, "app-charts");
  });
});
