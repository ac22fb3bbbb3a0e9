import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import type { TAppView } from "@/lib/protocol/apps";
import { TEST_IMAGE } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { cspViolations, launchBrowser, watchCsp } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shotsDir, signedInPage } from "../helpers/screens";

/**
 * The console pass (issue 15): an installable app (manifest and icons served without a session),
 * navigation that shows only what the signed-in user may open, a skeleton while a page renders
 * after a click, and a set page whose breadcrumb leads back to its team and app. No host runs
 * here: the sets stay Pending, which is all their pages need. Screenshots in
 * test-results/e2e-console-pass/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-console-pass");
const UI = { timeout: 30_000, interval: 100 };
const APP = "crumbs";

let admin: Api;
let team: string;
let other: string;
let member: TTestUser;
let set: TAppView["sets"][number];
let otherSet: TAppView["sets"][number];
let browser: Browser;
const contexts: BrowserContext[] = [];

async function createApp(api: Api, slug: string): Promise<TAppView> {
  const body = {
    name: APP,
    replicas: 1,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
    containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
  };
  return expectStatus(await api.post(`/api/v1/teams/${slug}/apps`, body), 201) as TAppView;
}

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  return context;
}

async function adminPage(selectedTeam: string): Promise<Page> {
  return signedInPage(await newContext(), c.url, { email: c.adminEmail, password: c.adminPassword }, selectedTeam);
}

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 512, diskGiB: 4, sets: 2 } });
  other = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 512, diskGiB: 4, sets: 2 } });
  member = await makeMember(admin, team, "MEMBER");
  set = (await createApp(member.api, team)).sets[0];
  // The same app name in another team: a crumb that ignored the set's team would open this one.
  otherSet = (await createApp(admin, other)).sets[0];
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  if (admin) await Promise.all([team, other].filter(Boolean).map((t) => admin.delete(`/api/v1/teams/${t}/apps/${APP}`)));
});

describe("console pass in a browser", () => {
  it("serves the manifest and its icons without a session, and the login page links them", async () => {
    const manifest = await fetch(`${c.url}/manifest.webmanifest`, { redirect: "manual" });
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get("content-type")).toMatch(/^application\/manifest\+json/);
    const body = (await manifest.json()) as { icons: { src: string; type: string; purpose: string }[] } & Record<string, unknown>;
    expect(body).toMatchObject({ name: "Berth", short_name: "Berth", start_url: "/", display: "standalone", background_color: "#fafafa", theme_color: "#ffffff" });
    expect(body.icons.map((i) => [i.src, i.purpose])).toEqual([
      ["/icons/icon.svg", "any"],
      ["/icons/icon-maskable.svg", "maskable"],
    ]);
    for (const icon of body.icons) {
      const res = await fetch(new URL(icon.src, c.url), { redirect: "manual" });
      expect(res.status, icon.src).toBe(200);
      expect(res.headers.get("content-type"), icon.src).toMatch(/^image\/svg\+xml/);
      expect(await res.text()).toMatch(/^<svg [^>]*viewBox="0 0 32 32"/);
    }

    const context = await newContext();
    watchCsp(context);
    const page = await context.newPage();
    await page.goto(`${c.url}/login`);
    expect(await page.locator('head link[rel="manifest"]').getAttribute("href")).toBe("/manifest.webmanifest");
    expect(await page.locator('head link[rel="icon"]').count()).toBeGreaterThan(0);
    expect(await page.locator('head meta[name="theme-color"]').evaluateAll((m) => m.map((e) => e.getAttribute("content")))).toEqual(["#ffffff", "#18181b"]);
    // Chromium itself fetched and parsed it under the page's CSP, as an install prompt would.
    const cdp = await context.newCDPSession(page);
    const parsed = await cdp.send("Page.getAppManifest");
    expect(parsed.url).toBe(`${c.url}/manifest.webmanifest`);
    expect(parsed.errors.filter((e) => e.critical)).toEqual([]);
    expect(JSON.parse(parsed.data ?? "{}")).toMatchObject({ name: "Berth" });
    expect(cspViolations).toEqual([]);
  });

  it("shows nav items for admin-only pages to platform admins only", async () => {
    const page = await signedInPage(await newContext(), c.url, member, team);
    await openPage(page, `${c.url}/`, c.mode);
    await expect.poll(() => nav(page).getByRole("link", { name: "Dashboard" }).count(), UI).toBe(1);
    const labels = (await nav(page).getByRole("link").allTextContents()).map((t) => t.trim());
    expect(labels).toEqual(["Dashboard", "Alerts", "Apps", "Images", "Quota", "Audit", "Tokens", "Webhooks", "Teams"]);
    // None of what is left answers a member with "only platform admins"; the hidden page still does.
    const hrefs = await nav(page).getByRole("link").evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""));
    for (const href of [...hrefs, "/hosts"]) {
      await openPage(page, `${c.url}${href}`, c.mode);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).count(), UI).toBe(1);
      const refused = await page.getByText(/^Only platform admins/).count();
      expect(refused, href).toBe(href === "/hosts" ? 1 : 0);
    }

    const adminView = await adminPage(team);
    await openPage(adminView, `${c.url}/`, c.mode);
    await expect.poll(() => nav(adminView).getByRole("link", { name: "Hosts" }).count(), UI).toBe(1);
    expect(await nav(adminView).getByRole("link", { name: "Hosts" }).getAttribute("href")).toBe("/hosts");
    expect(await nav(adminView).getByRole("link", { name: /^Admin/ }).count()).toBe(1);
  }, 240_000);

  it("shows a skeleton in place of the page while the next one renders, then the page, with no error", async () => {
    const page = await adminPage(team);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const isHosts = (r: Request) => new URL(r.url()).pathname === "/hosts";
    const isPrefetch = (r: Request) => r.headers()["next-router-prefetch"] !== undefined;
    const seen: string[] = [];
    let prefetched = 0;
    let held = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    page.on("requestfinished", (r) => {
      if (isHosts(r) && isPrefetch(r)) prefetched += 1;
    });
    // The page's own render request waits until the skeleton has been seen: a server slow on purpose.
    await page.route(
      (url) => url.pathname === "/hosts",
      async (route) => {
        const r = route.request();
        seen.push(`${r.method()} ${r.url()} rsc=${r.headers()["rsc"] ?? "-"} prefetch=${r.headers()["next-router-prefetch"] ?? "-"}`);
        if (r.headers()["rsc"] === "1" && !isPrefetch(r)) {
          held += 1;
          await released;
        }
        await route.continue();
      },
    );
    try {
      await openPage(page, `${c.url}/audit`, c.mode);
      // A pointer over the link makes Next prefetch it now, not whenever the browser is idle (late under load).
      await nav(page).getByRole("link", { name: "Hosts" }).hover();
      // Next fetches a dynamic page's loading state ahead of the click (links in view): that is what it shows at once.
      await expect.poll(() => prefetched, { ...UI, message: `no prefetch of /hosts: ${seen.join("; ")}` }).toBeGreaterThan(0);
      // The answer is written into the router's cache after it arrives: give that a moment.
      await page.waitForTimeout(500);
      await nav(page).getByRole("link", { name: "Hosts" }).click();
      const skeleton = page.getByRole("main").getByRole("status", { name: "Loading" });
      await expect.poll(() => skeleton.count(), { ...UI, message: `no skeleton: ${seen.join("; ")}` }).toBe(1);
      expect(held).toBeGreaterThan(0);
      expect(await skeleton.isVisible()).toBe(true);
      // The shell stays: the skeleton replaces the page only.
      expect(await nav(page).isVisible()).toBe(true);
      expect(await page.getByRole("main").getByRole("heading", { level: 1 }).count()).toBe(0);
      await page.screenshot({ path: path.join(SHOTS, "skeleton-light-1280.png") });
    } finally {
      release();
    }
    await expect.poll(() => page.getByRole("heading", { name: "Hosts", level: 1 }).count(), UI).toBe(1);
    await expect.poll(() => page.getByRole("status", { name: "Loading" }).count(), UI).toBe(0);
    expect(page.url()).toBe(`${c.url}/hosts`);
    expect(await page.getByText("This page could not be loaded").count()).toBe(0);
    expect(errors).toEqual([]);
  }, 240_000);

  it("puts the skeleton into what Next prefetches for every page that has one, and none into the set page", async () => {
    const page = await adminPage(team);
    await openPage(page, `${c.url}/`, c.mode);
    const prefetch = (p: string) =>
      page.evaluate(async (target) => {
        const res = await fetch(target, { headers: { RSC: "1", "Next-Router-Prefetch": "1" } });
        return { status: res.status, body: await res.text() };
      }, p);
    for (const p of ["/", "/apps", `/apps/${APP}`, "/hosts", "/audit"]) {
      const res = await prefetch(p);
      expect(res.status, p).toBe(200);
      expect(res.body, p).toContain('"aria-label":"Loading"');
    }
    // The control: the same request for a page without a boundary carries no skeleton.
    expect((await prefetch(`/sets/${set.id}`)).body).not.toContain('"aria-label":"Loading"');
  }, 240_000);

  it("still answers 404 for a missing app, a missing set and another team's set", async () => {
    const page = await signedInPage(await newContext(), c.url, member, team);
    for (const p of ["/apps/no-such-app", "/sets/no-such-set", `/sets/${otherSet.id}`]) {
      const res = await page.goto(`${c.url}${p}`);
      expect(res?.status(), p).toBe(404);
      await expect.poll(() => page.getByRole("heading", { name: "Not found", level: 1 }).count(), { ...UI, message: p }).toBe(1);
    }
    // The layout that answers 404 lets an existing app through.
    expect((await page.goto(`${c.url}/apps/${APP}`))?.status()).toBe(200);
  }, 240_000);

  it("links the team and the app in the set page's breadcrumb, ending with the set's name", async () => {
    const page = await signedInPage(await newContext(), c.url, member, team);
    await openPage(page, `${c.url}/sets/${set.id}`, c.mode);
    const crumbs = page.getByRole("navigation", { name: "Breadcrumb" });
    await expect.poll(() => crumbs.getByRole("link").count(), UI).toBe(2);
    expect(set.name).toBe(`${APP}-0`);
    expect((await crumbs.textContent())?.replace(/\s+/g, "")).toBe(`Team${team}/${APP}/${APP}-0`);
    const teamCrumb = crumbs.getByRole("link", { name: `Team ${team}`, exact: true });
    const appCrumb = crumbs.getByRole("link", { name: APP, exact: true });
    expect(await teamCrumb.getAttribute("href")).toBe(`/teams/${team}`);
    expect(await appCrumb.getAttribute("href")).toBe(`/apps/${APP}`);
    expect(await crumbs.locator('[aria-current="page"]').textContent()).toBe(`${APP}-0`);
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
      await page.emulateMedia({ colorScheme: "light" });
      await page.waitForTimeout(400);
      expect(await crumbs.isVisible(), `breadcrumb at ${width} px`).toBe(true);
      await page.screenshot({ path: path.join(SHOTS, `set-breadcrumb-light-${width}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    await appCrumb.click();
    await page.waitForURL(`${c.url}/apps/${APP}`);
    await expect.poll(() => page.getByRole("heading", { name: APP, level: 1 }).count(), UI).toBe(1);
    expect(await page.getByText(set.id, { exact: true }).count()).toBe(1);

    await page.goBack();
    await page.waitForURL(`${c.url}/sets/${set.id}`);
    await teamCrumb.click();
    await page.waitForURL(`${c.url}/teams/${team}`);
    await expect.poll(() => page.getByRole("heading", { name: `Team ${team}`, level: 1 }).count(), UI).toBe(1);
  }, 240_000);

  it("opens the set's own app from the crumb when the switcher shows another team with a same-named app", async () => {
    const page = await adminPage(other);
    await openPage(page, `${c.url}/sets/${set.id}`, c.mode);
    const appCrumb = page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: APP, exact: true });
    expect(await appCrumb.getAttribute("href")).toBe(`/apps/${APP}`);
    await appCrumb.click();
    await page.waitForURL(`${c.url}/apps/${APP}`);
    await expect.poll(() => page.getByText(set.id, { exact: true }).count(), UI).toBe(1);
    expect(await page.getByText(otherSet.id, { exact: true }).count()).toBe(0);
    // The switcher shows the team the page shows.
    expect(await page.locator("#team-switcher").inputValue()).toBe(team);
  }, 240_000);
});
