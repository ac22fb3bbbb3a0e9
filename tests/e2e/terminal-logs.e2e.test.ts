import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, uniqueIp, type Api } from "../helpers/api";
import { browserLogin, cspViolations, launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

/**
 * The set's logs and terminal in a real Chromium: type a command and read its output, search the
 * logs; screenshots go to BERTH_SHOTS_DIR (default test-results/) to be looked at.
 */
const c = consoleInfo();
const shots = process.env.BERTH_SHOTS_DIR ?? "test-results";
let browser: Browser;
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: TTestUser;
let viewer: TTestUser;
let set: TSetView;

beforeAll(async () => {
  fs.mkdirSync(shots, { recursive: true });
  browser = await launchBrowser();
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "e2e-term");
  const team = await makeTeam(admin);
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  const res = await member.api.post(`/api/v1/teams/${team}/apps`, {
    name: "shop",
    replicas: 1,
    size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
    containers: [
      {
        index: 0, name: "web", image: TEST_IMAGE, cpu: 100, memory: 100,
        command: ["sh", "-c", 'i=0; while :; do i=$((i+1)); echo "GET /cart/$i 200"; [ $((i%4)) -eq 0 ] && echo "ERROR gateway timeout $i" >&2; sleep 0.2; done'],
      },
    ],
  });
  const app = expectStatus(res, 201) as TAppView;
  set = await waitFor("set Running", async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000);
});

afterAll(async () => {
  // Charts (inline styles), the terminal and live sockets all ran under the console's CSP.
  expect(cspViolations).toEqual([]);
  await browser?.close();
  await agent?.destroy(engine, admin);
});

describe("set shell page", () => {
  it("a member types a command into the terminal and reads its output, and searches the logs", async () => {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    try {
      expect(await browserLogin(context, c.url, member.email, member.password, { ip: uniqueIp() })).toBe(200);
      const page = await context.newPage();
      await page.goto(`${c.url}/sets/${set.id}/shell`);
      await page.getByText(/Connected · sh/).waitFor({ timeout: 60_000 });
      await page.locator(".xterm").click();
      await page.keyboard.type("echo berth-$((40+2))\n", { delay: 10 });
      await page.locator(".xterm-rows").getByText("berth-42", { exact: true }).waitFor({ timeout: 15_000 });
      await page.getByText("Live").waitFor({ timeout: 60_000 });
      await page.getByRole("log").getByText(/GET \/cart\/\d+ 200/).first().waitFor({ timeout: 15_000 });
      await page.screenshot({ path: `${shots}/terminal-logs-1.png` });

      await page.getByPlaceholder(/Search/).fill("error gateway");
      await waitFor("only matching lines", async () => {
        const rows = await page.getByRole("log").innerText();
        return rows.includes("ERROR gateway timeout") && !rows.includes("GET /cart") ? rows : null;
      }, 20_000);
      // stderr lines are marked as such, and the match is highlighted.
      expect(await page.getByRole("log").getByTitle("standard error").count()).toBeGreaterThan(0);
      expect(await page.getByRole("log").locator("mark").first().innerText()).toBe("ERROR gateway");
      await page.screenshot({ path: `${shots}/terminal-logs-2-search.png` });
    } finally {
      await context.close();
    }
  });

  it("a viewer reads logs but gets no terminal", async () => {
    const context = await browser.newContext();
    try {
      expect(await browserLogin(context, c.url, viewer.email, viewer.password, { ip: uniqueIp() })).toBe(200);
      const page = await context.newPage();
      await page.goto(`${c.url}/sets/${set.id}/shell`);
      await page.getByText(/Terminals need the MEMBER role/).waitFor({ timeout: 60_000 });
      await page.getByRole("log").getByText(/GET \/cart\/\d+ 200/).first().waitFor({ timeout: 30_000 });
      expect(await page.locator(".xterm").count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
