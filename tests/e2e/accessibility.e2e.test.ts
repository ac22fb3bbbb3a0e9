import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { TAppView } from "@/lib/protocol/apps";
import { TEST_IMAGE } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shotsDir, signedInPage } from "../helpers/screens";

/**
 * axe-core (the npm engine, injected into the page over the DevTools protocol, which the
 * console's CSP does not govern) on every console page, light and dark, at desktop and phone
 * width: no serious or critical violation. Findings are printed with their nodes so a failure
 * says what to fix. Screenshots of what was checked in test-results/e2e-accessibility/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-accessibility");
const UI = { timeout: 30_000, interval: 100 };
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const APP = "a11y";

let admin: Api;
let team: string;
let member: TTestUser;
let app: TAppView;
let browser: Browser;
const contexts: BrowserContext[] = [];

interface TFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function axe(page: Page): Promise<TFinding[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE);
  return page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } };
    const r = await w.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ""}`.slice(0, 400)),
    }));
  });
}

const serious = (f: TFinding[]) => f.filter((v) => v.impact === "serious" || v.impact === "critical");

/** Every scheme and width of one page: what serious or critical violations axe finds, labelled. */
async function check(page: Page, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const width of [1440, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
      await page.emulateMedia({ colorScheme: scheme });
      // Colour transitions (150 ms) finish before contrast is measured.
      await page.waitForTimeout(400);
      const found = serious(await axe(page));
      for (const v of found) out.push(`${name} ${scheme} ${width}: ${v.impact} ${v.id} (${v.help})\n    ${v.nodes.join("\n    ")}`);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${scheme}-${width}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1440, height: 900 });
  return out;
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  contexts.push(context);
  return context;
}

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 8, sets: 4 } });
  member = await makeMember(admin, team, "OWNER");
  const body = {
    name: APP,
    replicas: 1,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
  };
  app = expectStatus(await member.api.post(`/api/v1/teams/${team}/apps`, body), 201) as TAppView;
  expectStatus(await member.api.post(`/api/v1/teams/${team}/quota-requests`, { cpu: 4, memoryMiB: 2048, diskGiB: 8, sets: 4, reason: "a11y check" }), 201);
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  if (admin && team) await admin.delete(`/api/v1/teams/${team}/apps/${APP}`);
});

describe("accessibility (axe-core) of every console page", () => {
  it("finds no serious or critical violation on the login page", async () => {
    const page = await (await newContext()).newPage();
    await page.goto(`${c.url}/login`);
    await expect.poll(() => page.getByRole("button", { name: /sign in/i }).count(), UI).toBeGreaterThan(0);
    expect(await check(page, "login")).toEqual([]);
  }, 240_000);

  it("finds no serious or critical violation on any signed-in page (admin view, then a member's)", async () => {
    const adminPage = await signedInPage(await newContext(), c.url, { email: c.adminEmail, password: c.adminPassword }, team);
    const pages: [string, string][] = [
      ["dashboard", "/"],
      ["apps", "/apps"],
      ["app", `/apps/${APP}`],
      ["app-new", "/apps/new"],
      ["set", `/sets/${app.sets[0].id}`],
      ["set-logs", `/sets/${app.sets[0].id}?tab=logs`],
      ["images", "/images"],
      ["hosts", "/hosts"],
      ["audit", "/audit"],
      ["quota", "/quota"],
      ["approvals", "/admin/approvals"],
      ["admin", "/admin"],
      ["teams", "/teams"],
      ["team", `/teams/${team}`],
      ["tokens", "/tokens"],
      ["account", "/account"],
    ];
    const found: string[] = [];
    for (const [name, at] of pages) {
      await openPage(adminPage, `${c.url}${at}`, c.mode);
      await expect.poll(() => adminPage.getByRole("heading", { level: 1 }).count(), { ...UI, message: at }).toBeGreaterThan(0);
      found.push(...(await check(adminPage, name)));
    }
    // Open widgets are pages too: the command palette and a row menu.
    await openPage(adminPage, `${c.url}/apps`, c.mode);
    await adminPage.keyboard.press("Control+k");
    await expect.poll(() => adminPage.getByRole("combobox", { name: "Jump to" }).isVisible(), UI).toBe(true);
    found.push(...serious(await axe(adminPage)).map((v) => `palette: ${v.impact} ${v.id} (${v.help})\n    ${v.nodes.join("\n    ")}`));
    await adminPage.keyboard.press("Escape");

    const memberPage = await signedInPage(await newContext(), c.url, member, team);
    for (const [name, at] of [["member-dashboard", "/"], ["member-quota", "/quota"], ["member-app", `/apps/${APP}`]] as const) {
      await openPage(memberPage, `${c.url}${at}`, c.mode);
      await expect.poll(() => memberPage.getByRole("heading", { level: 1 }).count(), { ...UI, message: at }).toBeGreaterThan(0);
      found.push(...(await check(memberPage, name)));
    }
    if (found.length) console.warn(`axe findings:\n${found.join("\n")}`);
    expect(found).toEqual([]);
  }, 900_000);
});
