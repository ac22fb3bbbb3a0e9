import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { THost } from "@/lib/protocol/api";
import { enrollmentToken, ensureTestImage, TestAgent, waitFor } from "../helpers/agent";
import { adminApi, expectStatus, uid, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * An admin sees that a host's agent is older than the bundle the console serves and upgrades it
 * from its row; the row then shows the new version. The console serves agent/dist: this file
 * builds another bundle there and puts the original back. Screenshots in test-results/e2e-upgrade/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-upgrade");
const HOST = { timeout: 90_000, interval: 500 };
const NAME = uid("e2e-upgrade");
const DIST = path.join(REPO_ROOT, "agent", "dist");
const FILES = ["berth-agent.cjs", "berth-agent.json"];

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let backup: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

async function hostRow(): Promise<THost | undefined> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as THost[];
  return hosts.find((h) => h.name === NAME);
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  backup = fs.mkdtempSync(path.join(os.tmpdir(), "berth-dist-backup-"));
  for (const f of FILES) fs.copyFileSync(path.join(DIST, f), path.join(backup, f));
  const script = path.join(backup, "install.sh");
  fs.writeFileSync(script, await (await fetch(`${c.url}/api/v1/agent/install.sh`)).text());
  agent = new TestAgent(c.url, NAME, await enrollmentToken(admin), "test", script);
  agent.start();
  await waitFor("installed host Ready", async () => (await hostRow())?.status === "Ready", 90_000, 500);
  await warmRoutes(c.url, ["/login", "/hosts", "/api/v1/hosts/x/upgrade"]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, { email: c.adminEmail, password: c.adminPassword });
}, 400_000);

afterAll(async () => {
  for (const f of FILES) fs.copyFileSync(path.join(backup, f), path.join(DIST, f));
  fs.rmSync(backup, { recursive: true, force: true });
  await context?.close();
  await browser?.close();
  await agent?.destroy(engine, admin);
});

describe("agent upgrades in a browser", () => {
  it("offers the upgrade on the host's row and shows the new version once the agent is back", async () => {
    const before = (await hostRow())!.agentVersion!;
    const built = spawnSync(process.execPath, ["scripts/build-agent.mjs"], { cwd: REPO_ROOT, env: { ...process.env, BERTH_AGENT_BUILD_TAG: "e2e-upgrade" }, encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const target = `${before}.e2e-upgrade`;

    await openPage(page, `${c.url}/hosts`, c.mode);
    const row = page.getByRole("row").filter({ hasText: NAME });
    const button = row.getByRole("button", { name: `Upgrade the agent of ${NAME} to ${target}` });
    await expect.poll(() => button.count(), HOST).toBe(1);
    expect(await row.getByTestId("agent-upgrade").getByTitle(`The console serves v${target}`).textContent()).toBe("another version available");
    await shoot(page, SHOTS, "01-upgrade-offered");

    await button.click();
    await expect.poll(async () => (await hostRow())?.agentVersion, HOST).toBe(target);
    // The page re-reads every 10 s: the row then shows the new version and no longer offers it.
    await expect.poll(() => row.getByText(`v${target}`, { exact: true }).count(), HOST).toBe(1);
    expect(await row.getByTestId("agent-upgrade").count()).toBe(0);
    await shoot(page, SHOTS, "02-upgraded");
  }, 240_000);

  it("upgrades every outdated agent from the page header, following the rollout", async () => {
    const before = (await hostRow())!.agentVersion!;
    const built = spawnSync(process.execPath, ["scripts/build-agent.mjs"], { cwd: REPO_ROOT, env: { ...process.env, BERTH_AGENT_BUILD_TAG: "e2e-all" }, encoding: "utf8" });
    expect(built.status, built.stderr).toBe(0);
    const target = before.replace(/\.e2e-upgrade$/, ".e2e-all");
    await page.reload();
    const all = page.getByRole("button", { name: /^Upgrade all agents \(\d+\)$/ });
    await expect.poll(() => all.count(), HOST).toBe(1);
    await all.click();
    const status = page.getByTestId("upgrade-all-status");
    await expect.poll(() => status.textContent(), HOST).toMatch(/agents upgraded to v/);
    expect(await status.textContent()).toContain(`to v${target}`);
    expect((await hostRow())?.agentVersion).toBe(target);
    await shoot(page, SHOTS, "03-upgraded-all");
  }, 240_000);
});
