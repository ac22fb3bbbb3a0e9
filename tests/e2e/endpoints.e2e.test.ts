import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, type TestAgent } from "../helpers/agent";
import { adminApi, uid, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * A team member publishes a port from the create form, then finds on the app page where each set
 * answers (host address and port, with a copy button), whether the agent's probe reached it, and
 * each set's stable name and pinned address. Screenshots in test-results/e2e-endpoints/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-endpoints");
const APP = "shop";
const SETTLE = { timeout: 150_000, interval: 250 };
const UI = { timeout: 30_000, interval: 100 };

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let team: string;
let member: TTestUser;

async function appView() {
  const res = await member.api.get(`/api/v1/teams/${team}/apps/${APP}`);
  return res.status === 200 ? ZAppView.parse(res.body) : null;
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, uid("e2e-endpoints"));
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 20, sets: 6 } });
  member = await makeMember(admin, team, "MEMBER");
  await warmRoutes(c.url, ["/login", "/apps/new", `/apps/${APP}`, `/api/v1/teams/${team}/apps`, `/api/v1/teams/${team}/apps/${APP}`]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, member, team);
}, 400_000);

afterAll(async () => {
  await member?.api.delete(`/api/v1/teams/${team}/apps/${APP}`);
  await context?.close();
  await browser?.close();
  await agent?.destroy(engine, admin);
});

describe("published endpoints in a browser", () => {
  it("refuses a port line it cannot read, at the field", async () => {
    await openPage(page, `${c.url}/apps/new`, c.mode);
    const form = page.getByRole("form", { name: "Create app" });
    await expect.poll(() => form.count(), UI).toBe(1);
    await form.getByLabel("App name", { exact: true }).fill(APP);
    await form.getByLabel("Replicas", { exact: true }).fill("2");
    await form.getByLabel("CPU cores", { exact: true }).fill("0.25");
    await form.getByLabel("Memory MiB", { exact: true }).fill("64");
    await form.getByLabel("Disk GiB", { exact: true }).fill("0");
    const container = form.getByRole("group", { name: /^Container 1/ });
    await container.getByLabel("Image", { exact: true }).fill(TEST_IMAGE);
    await container.getByLabel("Command", { exact: true }).fill("httpd -f -p 8080");
    const ports = form.getByLabel("Ports of the app", { exact: true });
    await ports.fill("http eighty publish");
    await form.getByRole("button", { name: "Create app" }).click();
    // Said at the field itself (the banner above the form lists it too).
    await expect.poll(() => form.locator("#app-ports-hint").textContent(), UI).toMatch(/expected “name port\[\/udp\] \[publish\]”/);
    expect(await ports.getAttribute("aria-invalid")).toBe("true");
    await shoot(page, SHOTS, "01-create-bad-port");
  }, 240_000);

  it("creates an app with a published and an internal port", async () => {
    const form = page.getByRole("form", { name: "Create app" });
    await form.getByLabel("Ports of the app", { exact: true }).fill("http 8080 publish\nadmin 9090");
    await shoot(page, SHOTS, "02-create-with-ports");
    await form.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(`${c.url}/apps/${APP}`);
    expect((await appView())?.ports).toEqual([
      { name: "http", port: 8080, protocol: "tcp", publish: true },
      { name: "admin", port: 9090, protocol: "tcp", publish: false },
    ]);
  }, 240_000);

  it("shows each set's endpoint with a green reachability dot, and the sets' names and addresses", async () => {
    const endpoints = page.getByRole("region", { name: "Endpoints" });
    await expect.poll(() => page.getByTestId("endpoint-reachable").filter({ hasText: "Reachable" }).count(), SETTLE).toBe(2);
    const view = (await appView())!;
    for (const e of view.endpoints) {
      expect(await page.getByText(`${e.hostAddress}:${e.hostPort}`, { exact: true }).count()).toBe(1);
    }
    expect(await page.getByText(`${APP}:9090`, { exact: true }).count()).toBe(1);
    const shown = await page.getByTestId("set-ip").allTextContents();
    expect(shown.sort()).toEqual(view.sets.map((s) => s.ip!).sort());
    expect((await page.getByTestId("set-name").allTextContents()).sort()).toEqual([`${APP}-0`, `${APP}-1`]);
    expect(await endpoints.getByRole("button", { name: "Copy" }).count()).toBe(2);
    await shoot(page, SHOTS, "03-endpoints-reachable");
  }, 240_000);
});
