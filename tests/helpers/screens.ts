import fs from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { uniqueIp } from "./api";
import { browserLogin } from "./browser";
import { REPO_ROOT } from "./console";

/** Where a browser suite leaves its screenshots: test-results/<suite>/. */
export function shotsDir(suite: string): string {
  const dir = path.join(REPO_ROOT, "test-results", suite);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

const VARIANTS = [
  { scheme: "light", width: 1280, height: 900 },
  { scheme: "dark", width: 1280, height: 900 },
  { scheme: "light", width: 390, height: 844 },
  { scheme: "dark", width: 390, height: 844 },
] as const;

/**
 * One step, four screenshots: light and dark, desktop (1280) and phone (390) width, named
 * `<name>-<scheme>-<width>.png`. The page is left in light at 1280 as it was found.
 */
export async function shoot(page: Page, dir: string, name: string): Promise<void> {
  for (const v of VARIANTS) {
    await page.emulateMedia({ colorScheme: v.scheme });
    await page.setViewportSize({ width: v.width, height: v.height });
    // Layout and the dark palette settle, and colour transitions (150 ms) finish, before the picture is taken.
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(dir, `${name}-${v.scheme}-${v.width}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 1280, height: 900 });
}

/**
 * A dev console compiles each route on its first request, which on a busy machine takes longer
 * than a click should wait. Requesting the routes once up front (a redirect to /login still
 * compiles the page) keeps the steps' timeouts about the UI, not the compiler.
 */
export async function warmRoutes(baseUrl: string, paths: string[], timeoutMs = 180_000): Promise<void> {
  // The login route first: every signed-in page starts with it.
  for (const p of ["/api/auth/csrf", ...paths]) {
    const res = await fetch(new URL(p, baseUrl), { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
  }
}

/** A signed-in page of its own (own cookies, own client address) with the team switcher set to `team`. */
export async function signedInPage(
  context: BrowserContext,
  baseUrl: string,
  user: { email: string; password: string },
  team?: string,
): Promise<Page> {
  const status = await browserLogin(context, baseUrl, user.email, user.password, { ip: uniqueIp() });
  if (status >= 400) throw new Error(`browser login for ${user.email}: HTTP ${status}`);
  if (team) await context.addCookies([{ name: "berth_team", value: team, url: baseUrl }]);
  const page = await context.newPage();
  // Steps wait on the UI; navigations may also wait on a dev compile.
  page.setDefaultTimeout(30_000);
  page.setDefaultNavigationTimeout(180_000);
  // A page that throws shows a broken UI in the screenshots; the log says why.
  page.on("pageerror", (err) => console.warn(`[browser ${user.email}] page error: ${err.message}`));
  trackDocuments(page);
  return page;
}

interface TDocState {
  /** Document requests so far (goto, reload, or a reload the dev server asked for). */
  loads: number;
  /** When the last document request started. */
  loadAt: number;
  /** When the current document's dev-server (HMR) socket said it was connected; 0 until then. */
  hmrAt: number;
}
const docs = new WeakMap<Page, TDocState>();

function trackDocuments(page: Page): void {
  const state: TDocState = { loads: 0, loadAt: 0, hmrAt: 0 };
  docs.set(page, state);
  page.on("request", (req) => {
    // A new document (goto, reload, or a reload the dev server asks for) reconnects HMR;
    // client-side router navigations and history updates do not request a document.
    if (req.isNavigationRequest() && req.frame() === page.mainFrame()) {
      state.loads += 1;
      state.loadAt = Date.now();
      state.hmrAt = 0;
    }
  });
  page.on("console", (msg) => {
    if (msg.text().includes("[HMR] connected")) state.hmrAt = Date.now();
  });
}

/**
 * Opens `url` and waits until the document is the one that stays. A dev console (Next with
 * Turbopack) may reload a freshly loaded page once its HMR socket connects, which would wipe
 * anything a test typed; a production build has no HMR and returns at once.
 */
export async function openPage(page: Page, url: string, mode: "dev" | "prod"): Promise<void> {
  await page.goto(url);
  await settle(page, mode);
}

export async function reloadPage(page: Page, mode: "dev" | "prod"): Promise<void> {
  await page.reload();
  await settle(page, mode);
}

/**
 * Waits for the current document's HMR socket and then 3 s without another document load. A
 * document whose HMR socket never says so within 20 s has nothing that would reload it.
 */
export async function settle(page: Page, mode: "dev" | "prod"): Promise<void> {
  const state = docs.get(page);
  if (mode !== "dev" || !state) return;
  const start = { loads: state.loads, at: Date.now() };
  const deadline = start.at + 120_000;
  while (Date.now() < deadline) {
    const loads = state.loads;
    const quiet = state.hmrAt > 0 ? Date.now() - state.hmrAt > 3000 : Date.now() - state.loadAt > 20_000;
    if (quiet) {
      await page.waitForLoadState("load");
      if (state.loads === loads) {
        if (state.loads > start.loads) console.info(`[browser] ${page.url()} reloaded ${state.loads - start.loads}× by the dev server before it settled`);
        return;
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`${page.url()} did not settle in 2 minutes: ${state.loads - start.loads} reloads, HMR ${state.hmrAt ? "connected" : "never connected"}`);
}
