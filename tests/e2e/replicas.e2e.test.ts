import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZHealth } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, Api, expectStatus, uniqueIp } from "../helpers/api";
import { browserLogin, cspViolations, launchBrowser } from "../helpers/browser";
import { freePort, type TConsole } from "../helpers/console";
import { replicaHealth, startReplicaPair } from "../helpers/replicas";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { startHaproxy, type TProxy } from "../helpers/haproxy";
import { startRedis, type TRedis } from "../helpers/redis";
import { publishTestImages } from "../helpers/registry";
import { shotsDir } from "../helpers/screens";

/**
 * A real Chromium against two console replicas behind haproxy (the README's config), sharing one
 * Postgres and one Redis. The browser is pinned by haproxy's cookie to one replica; the agent is
 * connected straight to the other one, so everything the browser sees of the set (its set:state,
 * its terminal) crosses the Redis adapter. This file starts its own consoles: the e2e project's
 * shared console has no Redis and no peer.
 */
const SHOTS = shotsDir("replicas");
const VIEWPORT = { width: 1440, height: 900 };
let redis: TRedis;
let a: TConsole;
let b: TConsole;
let proxy: TProxy;
let browser: Browser;
let engine: DockerEngine;
let agent: TestAgent;
let admin: Api;
let team: string;
let member: TTestUser;
/** The replica haproxy keeps the browser on, and the one the agent is connected to. */
let browserReplica: TConsole;
let agentReplica: TConsole;
let context: BrowserContext;
let page: Page;
let set: TSetView;
/** Document loads of the page's main frame: a reload or a full navigation adds one. */
let documentLoads = 0;
/** `set:state` frames the page's Socket.IO WebSocket received, as sent. */
const setStateFrames: string[] = [];

const health = replicaHealth;

/** The set's header: its id, state badge and live status. */
const header = (p: Page) => p.locator("h1").locator("xpath=..");

beforeAll(async () => {
  redis = await startRedis();
  // One BERTH_URL for both, the load balancer's (README): it is the origin the browser sends, the
  // only one the consoles accept for a session's socket. So the proxy's port is chosen first.
  const proxyPort = await freePort();
  const publicUrl = `http://127.0.0.1:${proxyPort}`;
  ({ a, b } = await startReplicaPair(redis.url, { BERTH_URL: publicUrl }));
  // Before the push: the registry sends `docker login` to its token realm, BERTH_URL, the proxy.
  proxy = await startHaproxy(
    [
      { name: "a", address: `127.0.0.1:${a.port}` },
      { name: "b", address: `127.0.0.1:${b.port}` },
    ],
    { port: proxyPort },
  );
  expect(proxy.url).toBe(publicUrl);
  await publishTestImages(a);
  admin = await adminApi(a);
  engine = await ensureTestImage();
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 2, sets: 2 } });
  member = await makeMember(admin, team, "MEMBER");
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  // Every step runs even when one before it failed: nothing of this file may outlive it.
  const errors: unknown[] = [];
  const step = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      errors.push(err);
      console.warn(`[replicas e2e] cleanup: ${what} failed: ${(err as Error).message}`);
    }
  };
  await step("browser", async () => browser?.close());
  if (agent && admin) await step("agent", () => agent.destroy(engine, admin));
  await step("haproxy", async () => proxy?.stop());
  await step("replica b", async () => b?.stop());
  await step("replica a", async () => a?.stop());
  await step("redis", async () => redis?.stop());
  if (errors.length) throw errors[0];
  // The set page, its live socket and xterm all ran under the console's CSP.
  expect(cspViolations).toEqual([]);
});

describe("a browser on one replica, the agent on the other", () => {
  it("the browser signs in through haproxy and stays on one replica; the agent joins the other", async () => {
    context = await browser.newContext({ viewport: VIEWPORT });
    context.setDefaultTimeout(60_000);
    context.setDefaultNavigationTimeout(120_000);
    expect(await browserLogin(context, proxy.url, member.email, member.password, { ip: uniqueIp() })).toBe(200);
    // haproxy's `cookie berth_replica insert`: the server name of the replica this browser sticks to.
    const sticky = (await context.cookies(proxy.url)).find((c) => c.name === "berth_replica")?.value;
    expect(["a", "b"]).toContain(sticky);
    [browserReplica, agentReplica] = sticky === "a" ? [a, b] : [b, a];

    page = await context.newPage();
    page.on("pageerror", (err) => console.warn(`[browser] page error: ${err.message}`));
    page.on("request", (req) => {
      if (req.isNavigationRequest() && req.frame() === page.mainFrame()) documentLoads += 1;
    });
    page.on("websocket", (ws) =>
      ws.on("framereceived", (f) => {
        if (typeof f.payload === "string" && f.payload.includes('"set:state"')) setStateFrames.push(f.payload);
      }),
    );
    // What the page's own requests reach, with its cookies: the replica the cookie names.
    await page.goto(`${proxy.url}/api/health`);
    const seen = ZHealth.parse(await page.evaluate(async () => (await fetch("/api/health", { cache: "no-store" })).json()));
    expect(seen.replica).toBe(sticky === "a" ? "replica-a" : "replica-b");
    expect(seen.adapter).toBe("redis");

    // The agent talks to the other replica directly, not through the proxy.
    agent = await startReadyAgent(new Api(agentReplica.url, admin.auth), agentReplica.url, "replicas-e2e-host");
    expect((await health(agentReplica)).replica).not.toBe(seen.replica);
  }, 120_000);

  it("an app created through the browser's replica: its set page goes from Pending to Running without a reload", async () => {
    const hostId = agent.hostId();
    if (!hostId) throw new Error("the agent has no host id");
    // Cordoned, the host takes nothing: the set is still Pending when the page first renders, so
    // Running can only arrive live, as a set:state from the agent's replica through Redis.
    expectStatus(await admin.post(`/api/v1/hosts/${hostId}/cordon`), 200);
    const near = new Api(browserReplica.url, { token: member.token });
    const app = expectStatus(
      await near.post(`/api/v1/teams/${team}/apps`, {
        name: "across",
        replicas: 1,
        size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 },
        containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sh", "-c", "echo hello-across; exec sleep 100000"] }],
      }),
      201,
    ) as TAppView;
    const setId = app.sets[0].id;

    await page.goto(`${proxy.url}/sets/${setId}`);
    const loadsAfterOpen = documentLoads;
    await header(page).getByText("Pending", { exact: true }).waitFor();
    expect(await header(page).getByText("Running", { exact: true }).count()).toBe(0);
    // The page's socket is up (through the proxy, to the browser's replica) before anything moves.
    await header(page).getByText("Live", { exact: true }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "1-pending-1440.png"), fullPage: true });

    expectStatus(await admin.post(`/api/v1/hosts/${hostId}/uncordon`), 200);
    await header(page).getByText("Running", { exact: true }).waitFor({ timeout: 90_000 });
    expect(documentLoads, "document loads since the set page opened").toBe(loadsAfterOpen);
    // It came as a set:state on this browser's WebSocket, which the proxy keeps on its replica.
    expect(setStateFrames.some((f) => f.includes(setId) && f.includes('"Running"')), setStateFrames.join("\n")).toBe(true);
    set = expectStatus(await near.get(`/api/v1/sets/${setId}`), 200) as TSetView;
    expect(set.state).toBe("Running");
    expect(set.host?.id).toBe(hostId);
    await page.screenshot({ path: path.join(SHOTS, "2-running-1440.png"), fullPage: true });
  }, 180_000);

  it("the set's terminal tab runs a command in the container on the agent's replica and shows its output", async () => {
    const loadsBefore = documentLoads;
    await page.getByRole("navigation", { name: "Set views" }).getByRole("link", { name: "Terminal", exact: true }).click();
    await page.getByText(/Connected · /).waitFor({ timeout: 60_000 });
    await page.locator(".xterm").click();
    await page.keyboard.type("echo across-$((6*7))\n", { delay: 10 });
    await page.locator(".xterm-rows").getByText("across-42", { exact: true }).waitFor({ timeout: 30_000 });
    // The tab is a client-side navigation: the same document, the same socket.
    expect(documentLoads, "document loads since the terminal tab was clicked").toBe(loadsBefore);
    expect(page.url()).toContain(`/sets/${set.id}?tab=terminal`);
    await page.screenshot({ path: path.join(SHOTS, "3-terminal-1440.png"), fullPage: true });
    await context.close();
  }, 120_000);
});
