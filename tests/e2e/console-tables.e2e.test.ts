import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { TAppView } from "@/lib/protocol/apps";
import { TEST_IMAGE } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { insertHost, makeMember, makeTeam, revokeInsertedHosts, type TTestUser } from "../helpers/fixtures";
import { openPage, shotsDir, signedInPage } from "../helpers/screens";

/**
 * The console pass, second part (issue 15): tables that become cards on a phone (state first,
 * actions behind a row menu, nothing scrolling sideways), filters that narrow rows (in the
 * browser for apps, sets and hosts; on the server for the audit log), set names where ids were,
 * the Ctrl-K palette, the dashboard's sets by state with terminal events folded, a Create that
 * the quota preview disables, hosts listing their sets, self-approval confirmed, and the
 * navigation progress bar. No agent runs: one set is made Failed and another Degraded on a
 * cordoned host row by SQL. Screenshots in test-results/e2e-console-tables/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-console-tables");
const UI = { timeout: 30_000, interval: 100 };
const APP = "tables";
const OTHER = "quiet";
const HIDDEN = "hidden";
// Long enough to wrap on a phone: the template card must wrap it, not scroll it.
const COMMAND = ["sh", "-c", "while true; do echo \"$(date) a heartbeat line from a container with a long command\"; sleep 1000; done"];
const LONG_IMAGE = "registry.example.internal:5000/platform-team/a-rather-long-image-name-for-phones:2026.12.02-0a1b2c3d";

let admin: Api;
let team: string;
let member: TTestUser;
let app: TAppView;
let host: { id: string; name: string };
let foreignTeam: string;
let hiddenSetId: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

async function createApp(api: Api, slug: string, name: string, replicas: number): Promise<TAppView> {
  const body = {
    name,
    replicas,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
    containers: [
      { index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: COMMAND, env: { LOG_LEVEL: "debug", DATABASE_URL: "postgres://x", FEATURE_FLAGS: "a,b" } },
    ],
  };
  return expectStatus(await api.post(`/api/v1/teams/${slug}/apps`, body), 201) as TAppView;
}

async function page(user: "admin" | "member", width = 1440): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: width > 1000 ? 900 : 844 } });
  contexts.push(context);
  const who = user === "admin" ? { email: c.adminEmail, password: c.adminPassword } : member;
  return signedInPage(context, c.url, who, team);
}

/** Light and dark at 1440 and 390 px, full page; the page is left light at 1440. */
async function shots(p: Page, name: string): Promise<void> {
  for (const width of [1440, 390]) {
    for (const scheme of ["light", "dark"] as const) {
      await p.setViewportSize({ width, height: width > 1000 ? 900 : 844 });
      await p.emulateMedia({ colorScheme: scheme });
      await p.waitForTimeout(400);
      await p.screenshot({ path: path.join(SHOTS, `${name}-${scheme}-${width}.png`), fullPage: true });
    }
  }
  await p.emulateMedia({ colorScheme: "light" });
  await p.setViewportSize({ width: 1440, height: 900 });
}

const overflow = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
const h1 = (p: Page) => p.getByRole("main").getByRole("heading", { level: 1 });
const rowsOf = (p: Page, table: string) => p.getByRole("table", { name: table }).locator("tbody tr");

/**
 * Elements inside `root` that reach past the viewport's sides or overflow their own box sideways
 * (a scroll box or clipped text), as "TAG.class: why"; sr-only text (1 px wide, clipped on purpose) is skipped.
 */
const sticksOut = (root: Locator) =>
  root.evaluate((el) => {
    const out: string[] = [];
    for (const e of [el, ...el.querySelectorAll("*")]) {
      const r = e.getBoundingClientRect();
      if (r.width <= 1) continue;
      const what = `${e.tagName}.${String(e.getAttribute("class") ?? "").slice(0, 40)}`;
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) out.push(`${what}: ${Math.round(r.left)}–${Math.round(r.right)} px`);
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push(`${what}: scrolls ${e.scrollWidth} in ${e.clientWidth} px`);
    }
    return out;
  });

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin, { quota: { cpu: 1, memoryMiB: 1024, diskGiB: 8, sets: 4 } });
  member = await makeMember(admin, team, "OWNER");
  app = await createApp(member.api, team, APP, 2);
  await createApp(member.api, team, OTHER, 1);
  const [failed, degraded] = [...app.sets].sort((a, b) => a.name.localeCompare(b.name));
  foreignTeam = await makeTeam(admin);
  hiddenSetId = (await createApp(admin, foreignTeam, HIDDEN, 1)).sets[0].id;
  // A cordoned host row gets no other test's sets; a heartbeat "from the future" keeps it Ready without an agent.
  host = await insertHost(c.databaseUrl, { cordoned: true });
  await sql(c.databaseUrl, `UPDATE "Host" SET "lastSeenAt" = now() + interval '2 hours' WHERE id = $1`, [host.id]);
  await sql(c.databaseUrl, `UPDATE "Set" SET state = 'Failed', reason = 'test: the image would not start' WHERE id = $1`, [failed.id]);
  await sql(c.databaseUrl, `UPDATE "Set" SET state = 'Degraded', reason = 'test: one container exited', "hostId" = $2 WHERE id = $1`, [degraded.id, host.id]);
  // Terminal sessions write a start and an end each; a dozen of them must not fill the dashboard.
  const [{ id: teamId }] = await sql<{ id: string }>(c.databaseUrl, `SELECT id FROM "Team" WHERE slug = $1`, [team]);
  for (let i = 0; i < 12; i++) {
    await sql(
      c.databaseUrl,
      `INSERT INTO "AuditEvent" (id, at, "actorLabel", "teamId", action, "targetType", "targetId", details)
       VALUES ($1, now() + make_interval(secs => $2), $3, $4, $5, 'set', $6, '{}')`,
      [`term-${team}-${i}`, i, member.email, teamId, i % 2 ? "terminal.end" : "terminal.start", degraded.id],
    );
  }
  // A set event recorded before events named their sets: the list names it from the set row.
  await sql(
    c.databaseUrl,
    `INSERT INTO "AuditEvent" (id, at, "actorLabel", "teamId", action, "targetType", "targetId", details) VALUES ($1, now() - interval '1 minute', $2, $3, 'set.restart', 'set', $4, '{}')`,
    [`restart-${team}`, member.email, teamId, failed.id],
  );
  // The degraded set's container exited, under a long image reference, with a Docker id and a measured layer.
  await sql(
    c.databaseUrl,
    `UPDATE "Container" SET state = 'Exited', image = $2, "dockerId" = $3, "diskBytes" = 5242880 WHERE "setId" = $1`,
    [degraded.id, LONG_IMAGE, "f".repeat(64)],
  );
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  if (admin && team) await Promise.all([APP, OTHER].map((a) => admin.delete(`/api/v1/teams/${team}/apps/${a}`)));
  if (admin && foreignTeam) await admin.delete(`/api/v1/teams/${foreignTeam}/apps/${HIDDEN}`);
  if (c.databaseUrl) await revokeInsertedHosts(c.databaseUrl);
});

describe("console tables, names and palette in a browser", () => {
  it("stacks rows as cards at 390 px: state first and visible, actions behind a row menu, nothing scrolls sideways", async () => {
    const p = await page("admin", 390);
    const pages: { path: string; table: string; state?: string }[] = [
      { path: "/apps", table: "Apps", state: "Failed" },
      { path: `/apps/${APP}`, table: `Sets of ${APP}`, state: "Degraded" },
      { path: `/hosts?q=${host.name}`, table: "Hosts", state: "Cordoned" },
      { path: `/audit?team=${team}`, table: "Audit events" },
      { path: `/teams/${team}`, table: `Members of ${team}` },
      { path: "/tokens", table: "Your API tokens" },
      { path: "/admin", table: "Users" },
    ];
    for (const { path: at, table, state } of pages) {
      await openPage(p, `${c.url}${at}`, c.mode);
      await expect.poll(() => h1(p).count(), { ...UI, message: at }).toBe(1);
      const rows = p.getByRole("table", { name: table });
      if ((await rows.count()) === 0) continue; // a table that is empty here (no tokens) shows its empty state instead
      await expect.poll(() => rowsOf(p, table).count(), { ...UI, message: at }).toBeGreaterThan(0);
      expect(await overflow(p), `${at} scrolls sideways`).toBeLessThanOrEqual(0);
      // The header row is gone; each row is a card (a flex box, not a table row).
      expect(await rows.locator("thead").isVisible(), at).toBe(false);
      expect(await rowsOf(p, table).first().evaluate((tr) => getComputedStyle(tr).display), at).toBe("flex");
      if (state) {
        // "1 Failed" on the apps list, "Degraded" on a set's row.
        const badge = rowsOf(p, table).getByText(new RegExp(`(^|\\s)${state}$`)).first();
        expect(await badge.isVisible(), `${state} on ${at}`).toBe(true);
        const box = await badge.boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, `${state} inside the screen on ${at}`).toBe(true);
      }
    }

    // Cards have no header to click: a select sorts them instead.
    await openPage(p, `${c.url}/apps`, c.mode);
    await expect.poll(() => rowsOf(p, "Apps").count(), UI).toBe(2);
    expect(await rowsOf(p, "Apps").first().textContent()).toContain(OTHER);
    await p.getByRole("combobox", { name: "Sort Apps" }).selectOption({ label: "Name ↓" });
    await expect.poll(async () => (await rowsOf(p, "Apps").first().textContent()) ?? "", UI).toContain(APP);

    // Hosts: the actions sit behind "⋯" and open in place.
    await openPage(p, `${c.url}/hosts?q=${host.name}`, c.mode);
    const menu = p.getByRole("button", { name: `Actions for ${host.name}` });
    await expect.poll(() => menu.isVisible(), UI).toBe(true);
    const uncordon = p.getByRole("button", { name: /Uncordon/ });
    expect(await uncordon.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await expect.poll(() => uncordon.isVisible(), UI).toBe(true);
    expect(await overflow(p)).toBeLessThanOrEqual(0);
    await p.screenshot({ path: path.join(SHOTS, "hosts-row-menu-light-390.png"), fullPage: true });
    await p.keyboard.press("Escape");
    await expect.poll(() => uncordon.isVisible(), UI).toBe(false);

    // At full width the same actions are inline and no menu button shows.
    await p.setViewportSize({ width: 1440, height: 900 });
    await expect.poll(() => uncordon.isVisible(), UI).toBe(true);
    expect(await menu.isVisible()).toBe(false);
  }, 300_000);

  it("stacks the app's template and a set's containers as cards at 390 px, and titles the set page with the set's name", async () => {
    const p = await page("member", 390);
    await openPage(p, `${c.url}/apps/${APP}`, c.mode);
    const template = p.getByRole("region", { name: "Template", exact: true });
    await expect.poll(() => rowsOf(p, "Containers of the template").count(), UI).toBe(1);
    const card = rowsOf(p, "Containers of the template").first();
    expect(await card.evaluate((tr) => getComputedStyle(tr).display)).toBe("flex");
    expect(await template.getByText(/^sh -c 'while true;/).isVisible()).toBe(true);
    expect(await template.getByText("LOG_LEVEL, DATABASE_URL, FEATURE_FLAGS").isVisible()).toBe(true);
    expect(await overflow(p), "app page scrolls sideways").toBeLessThanOrEqual(0);
    expect(await sticksOut(template)).toEqual([]);
    await shots(p, "app-template");
    expect(await sticksOut(template), "template at 1440 px").toEqual([]);

    const degraded = app.sets.find((s) => s.name === `${APP}-1`)!;
    await p.setViewportSize({ width: 390, height: 844 });
    await openPage(p, `${c.url}/sets/${degraded.id}`, c.mode);
    const containers = p.getByRole("region", { name: "Containers", exact: true });
    await expect.poll(() => rowsOf(p, "Containers of this set").count(), UI).toBe(1);
    expect(await overflow(p), "set page scrolls sideways").toBeLessThanOrEqual(0);
    expect(await sticksOut(containers)).toEqual([]);
    // The state leads the card, on screen: left of the container's name on its first line.
    const state = containers.getByTestId("container-state");
    expect(await state.textContent()).toBe("Exited");
    expect(await state.isVisible()).toBe(true);
    const [stateBox, nameBox] = [await state.boundingBox(), await containers.getByText("app", { exact: true }).boundingBox()];
    expect(stateBox && nameBox && stateBox.x >= 0 && stateBox.x + stateBox.width <= nameBox.x, "state before the name").toBe(true);
    expect(await containers.getByText(LONG_IMAGE).isVisible()).toBe(true);
    expect(await containers.getByTestId("writable-layer").textContent()).toBe("5 MiB");
    // The tab says which set, by name; the id stays in the address.
    expect(await p.title()).toBe(`Set ${APP}-1 · Berth`);
    await shots(p, "set-containers");
    // At full width the long image wraps rather than pushing the Docker id out of a scrolled table.
    expect(await sticksOut(containers), "containers at 1440 px").toEqual([]);

    // Another team's set: not found, and its name is nowhere, not even in the tab.
    const response = await p.goto(`${c.url}/sets/${hiddenSetId}`);
    expect(response?.status()).toBe(404);
    expect(await p.title()).not.toContain(`${HIDDEN}-0`);
    expect(await p.content()).not.toContain(`${HIDDEN}-0`);
  }, 300_000);

  it("narrows rows with search and facets on apps, sets and hosts", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/apps`, c.mode);
    await expect.poll(() => rowsOf(p, "Apps").count(), UI).toBe(2);
    await p.getByRole("searchbox", { name: "Filter Apps" }).fill(OTHER);
    await expect.poll(() => rowsOf(p, "Apps").count(), UI).toBe(1);
    expect(await rowsOf(p, "Apps").first().textContent()).toContain(OTHER);
    await p.getByRole("searchbox", { name: "Filter Apps" }).fill("");
    await p.getByRole("combobox", { name: "Worst set state of Apps" }).selectOption("Failed");
    await expect.poll(() => rowsOf(p, "Apps").count(), UI).toBe(1);
    expect(await rowsOf(p, "Apps").first().textContent()).toContain(APP);
    await shots(p, "apps-filtered");

    await openPage(p, `${c.url}/apps/${APP}`, c.mode);
    const sets = `Sets of ${APP}`;
    await expect.poll(() => rowsOf(p, sets).count(), UI).toBe(2);
    await p.getByRole("combobox", { name: `State of ${sets}` }).selectOption("Degraded");
    await expect.poll(() => rowsOf(p, sets).count(), UI).toBe(1);
    expect(await rowsOf(p, sets).getByTestId("set-name").textContent()).toBe(`${APP}-1`);
    await p.getByRole("combobox", { name: `State of ${sets}` }).selectOption("");
    await p.getByRole("searchbox", { name: `Filter ${sets}` }).fill(`${APP}-0`);
    await expect.poll(() => rowsOf(p, sets).count(), UI).toBe(1);
    expect(await rowsOf(p, sets).getByText("Failed", { exact: true }).count()).toBe(1);

    const adminPage = await page("admin");
    await openPage(adminPage, `${c.url}/hosts`, c.mode);
    await expect.poll(() => rowsOf(adminPage, "Hosts").count(), UI).toBeGreaterThan(0);
    await adminPage.getByRole("searchbox", { name: "Filter Hosts" }).fill(host.name);
    await expect.poll(() => rowsOf(adminPage, "Hosts").count(), UI).toBe(1);
    await adminPage.getByRole("combobox", { name: "Status of Hosts" }).selectOption("Cordoned");
    await expect.poll(() => rowsOf(adminPage, "Hosts").count(), UI).toBe(1);
  }, 300_000);

  it("shows set names with the id on hover and in a copy menu, and lists a host's sets", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/apps/${APP}`, c.mode);
    const name = p.getByTestId("set-name").filter({ hasText: `${APP}-1` });
    await expect.poll(() => name.count(), UI).toBe(1);
    const degraded = app.sets.find((s) => s.name === `${APP}-1`)!;
    expect(await name.getAttribute("title")).toBe(`Set ${degraded.id}`);
    expect(await name.getAttribute("href")).toBe(`/sets/${degraded.id}`);
    // No Copy button per id: one small menu per set, holding the name and the id.
    expect(await p.getByRole("button", { name: "Copy", exact: true }).count()).toBe(0);
    const copy = p.getByRole("button", { name: `Copy name or id of ${APP}-1` });
    await copy.click();
    expect(await copy.getAttribute("aria-expanded")).toBe("true");
    const idItem = p.getByRole("button", { name: new RegExp(`^Id\\s*${degraded.id}$`) });
    await expect.poll(() => idItem.isVisible(), UI).toBe(true);
    await p.screenshot({ path: path.join(SHOTS, "copy-menu-light-1440.png") });
    await p.keyboard.press("Escape");

    await openPage(p, `${c.url}/sets/${degraded.id}`, c.mode);
    await expect.poll(() => h1(p).textContent(), UI).toBe(`${APP}-1`);
    expect(await h1(p).getAttribute("title")).toBe(`Set ${degraded.id}`);

    const adminPage = await page("admin");
    await openPage(adminPage, `${c.url}/hosts?q=${host.name}`, c.mode);
    const list = rowsOf(adminPage, "Hosts").getByTestId("host-sets");
    await expect.poll(() => list.count(), UI).toBe(1);
    await list.getByText("1 set", { exact: true }).click();
    const link = list.getByRole("link", { name: `${APP}-1` });
    await expect.poll(() => link.isVisible(), UI).toBe(true);
    expect(await link.getAttribute("href")).toBe(`/sets/${degraded.id}`);
    await shots(adminPage, "hosts");
  }, 300_000);

  it("filters the audit log on the server by action, actor and time, names set targets and keeps filters when paging", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/audit?team=${team}`, c.mode);
    const table = "Audit events";
    await expect.poll(() => rowsOf(p, table).count(), UI).toBeGreaterThan(12);
    // The set event names its set and links it; the id is on hover.
    const failed = app.sets.find((s) => s.name === `${APP}-0`)!;
    const target = rowsOf(p, table).filter({ hasText: "set.restart" }).getByRole("link", { name: `${APP}-0` });
    await expect.poll(() => target.count(), UI).toBe(1);
    expect(await target.getAttribute("href")).toBe(`/sets/${failed.id}`);

    const form = p.getByRole("form", { name: "Filter audit events" });
    await form.getByLabel("Action", { exact: true }).fill("terminal.");
    await form.getByRole("button", { name: "Apply" }).click();
    await p.waitForURL((u) => u.searchParams.get("action") === "terminal." && u.searchParams.get("team") === team);
    await expect.poll(() => rowsOf(p, table).count(), UI).toBe(12);
    const actions = await rowsOf(p, table).locator("td:nth-child(4)").allTextContents();
    expect(actions.every((a) => a.startsWith("terminal."))).toBe(true);

    await form.getByLabel("Action", { exact: true }).fill("");
    await form.getByLabel("Actor", { exact: true }).fill("nobody-at-all");
    await form.getByRole("button", { name: "Apply" }).click();
    await p.waitForURL((u) => u.searchParams.get("actor") === "nobody-at-all");
    await expect.poll(() => p.getByText("No event matches these filters.").count(), UI).toBe(1);

    // A time range in the future matches nothing; the inputs speak local time, the URL ISO.
    await form.getByLabel("Actor", { exact: true }).fill("");
    await form.getByLabel("From", { exact: true }).fill("2099-01-01T00:00");
    await form.getByRole("button", { name: "Apply" }).click();
    await p.waitForURL((u) => (u.searchParams.get("from") ?? "").startsWith("2099-01-0") || (u.searchParams.get("from") ?? "").startsWith("2098-12-31"));
    await expect.poll(() => p.getByText("No event matches these filters.").count(), UI).toBe(1);
    await shots(p, "audit-filtered");
  }, 300_000);

  it("opens the command palette with Ctrl-K and jumps to a set, an app and a page by keyboard", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/`, c.mode);
    await expect.poll(() => h1(p).count(), UI).toBe(1);
    await p.keyboard.press("Control+k");
    const box = p.getByRole("combobox", { name: "Jump to" });
    await expect.poll(() => box.isVisible(), UI).toBe(true);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    const list = p.getByRole("listbox", { name: "Matches" });
    await expect.poll(() => list.getByRole("option").filter({ hasText: `${APP}-1` }).count(), UI).toBe(1);
    await box.fill(`${APP}-1`);
    await expect.poll(async () => (await list.getByRole("option").first().textContent()) ?? "", UI).toContain(`${APP}-1`);
    expect(await list.getByRole("option").first().getAttribute("aria-selected")).toBe("true");
    expect(await box.getAttribute("aria-activedescendant")).toBe(await list.getByRole("option").first().getAttribute("id"));
    await shots(p, "palette");
    await p.keyboard.press("Control+k");
    await p.keyboard.press("Control+k");
    await box.fill(`${APP}-1`);
    await expect.poll(async () => (await list.getByRole("option").first().textContent()) ?? "", UI).toContain(`${APP}-1`);
    await p.keyboard.press("Enter");
    const degraded = app.sets.find((s) => s.name === `${APP}-1`)!;
    await p.waitForURL(`${c.url}/sets/${degraded.id}`);
    await expect.poll(() => h1(p).textContent(), UI).toBe(`${APP}-1`);

    // Arrow keys move the active option; Enter opens it.
    await p.keyboard.press("Control+k");
    await box.fill(OTHER);
    await expect.poll(() => list.getByRole("option").count(), UI).toBeGreaterThan(1);
    const second = (await list.getByRole("option").nth(1).textContent()) ?? "";
    await p.keyboard.press("ArrowDown");
    expect(await list.getByRole("option").nth(1).getAttribute("aria-selected")).toBe("true");
    await p.keyboard.press("Enter");
    await p.waitForURL((u) => u.pathname !== `/sets/${degraded.id}`);
    expect(second).toMatch(new RegExp(OTHER));

    await p.keyboard.press("Control+k");
    await box.fill("audit");
    await p.keyboard.press("Enter");
    await p.waitForURL(`${c.url}/audit`);
    // Escape closes it and a member is offered no hosts.
    await p.keyboard.press("Control+k");
    await box.fill("node-");
    await expect.poll(() => p.getByText(/Nothing matches/).count(), UI).toBe(1);
    await p.keyboard.press("Escape");
    await expect.poll(() => box.isVisible(), UI).toBe(false);
  }, 300_000);

  it("shows sets by state on the dashboard with links to unhealthy ones, and folds terminal events", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/`, c.mode);
    const byState = p.getByTestId("sets-by-state");
    await expect.poll(() => byState.count(), UI).toBe(1);
    expect((await byState.textContent())?.replace(/\s+/g, "")).toMatch(/Failed1/);
    expect((await byState.textContent())?.replace(/\s+/g, "")).toMatch(/Degraded1/);
    const unhealthy = p.getByTestId("unhealthy-sets");
    for (const s of app.sets) {
      const link = unhealthy.getByRole("link", { name: s.name, exact: true });
      // Polled: a streamed part of the page sits in a hidden holder (no roles) until React swaps it in.
      await expect.poll(() => link.count(), { ...UI, message: `${s.name} in ${await unhealthy.textContent()} (by state: ${await byState.textContent()})` }).toBe(1);
      expect(await link.getAttribute("href")).toBe(`/sets/${s.id}`);
    }
    const activity = p.getByRole("table", { name: "Recent activity" });
    await expect.poll(() => activity.locator("tbody tr").count(), UI).toBeGreaterThan(0);
    expect(await activity.getByText(/^terminal\./).count()).toBe(0);
    expect(await p.getByTestId("folded-terminal").textContent()).toMatch(/^12 terminal session events/);
    await shots(p, "dashboard");
    await p.getByTestId("folded-terminal").getByRole("link", { name: "Show them" }).click();
    await p.waitForURL((u) => u.pathname === "/audit" && u.searchParams.get("action") === "terminal.");
  }, 300_000);

  it("disables Create when the preview says the quota refuses it, and puts the preview above the button on a phone", async () => {
    const p = await page("member");
    await openPage(p, `${c.url}/apps/new`, c.mode);
    const form = p.getByRole("form", { name: "Create app" });
    await expect.poll(() => form.count(), UI).toBe(1);
    const create = form.getByRole("button", { name: "Create app" });
    await form.getByLabel("App name", { exact: true }).fill("toobig");
    // 0.75 of the team's 1 core is taken by the three sets above.
    await form.getByLabel("CPU cores", { exact: true }).fill("0.25");
    await form.getByLabel("Replicas", { exact: true }).fill("1");
    await expect.poll(() => create.getAttribute("aria-disabled"), UI).toBe(null);
    await form.getByLabel("Replicas", { exact: true }).fill("9");
    await expect.poll(() => create.getAttribute("aria-disabled"), UI).toBe("true");
    expect(await create.getAttribute("title")).toMatch(/^Over the team's quota on/);
    expect(await p.getByTestId("create-blocked").isVisible()).toBe(true);
    // A click (Playwright refuses to click an aria-disabled button itself) goes nowhere.
    await create.dispatchEvent("click");
    await p.waitForTimeout(500);
    expect(p.url()).toBe(`${c.url}/apps/new`);
    await shots(p, "create-blocked");
    await p.setViewportSize({ width: 390, height: 844 });
    await p.waitForTimeout(300);
    const preview = await p.getByTestId("quota-preview").boundingBox();
    const button = await create.boundingBox();
    expect(preview && button && preview.y + preview.height <= button.y, "preview above Create at 390 px").toBe(true);
    expect(await overflow(p)).toBeLessThanOrEqual(0);
    // The server's refusal speaks the preview's units: 192 MiB used + 2304 MiB asked reads "2.4 GiB", not "2496 MiB".
    const refused = await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: "toobig",
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 2304, diskGiB: 1 },
      containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100 }],
    });
    expect(refused.status).toBe(422);
    expect((refused.body as { error: { message: string } }).error.message).toContain("2.4 GiB of 1 GiB memory");
  }, 300_000);

  it("asks an admin to confirm approving their own request, and keeps old → new once decided", async () => {
    const body = { cpu: 2, memoryMiB: 1024, diskGiB: 8, sets: 4, reason: `own request ${team}` };
    expectStatus(await admin.post(`/api/v1/teams/${team}/quota-requests`, body), 201);
    const p = await page("admin");
    await openPage(p, `${c.url}/admin/approvals`, c.mode);
    const item = p.getByTestId("approval").filter({ hasText: body.reason });
    await expect.poll(() => item.count(), UI).toBe(1);
    expect(await item.getByText("Your own request").count()).toBe(1);
    await item.getByRole("button", { name: `Approve the request of ${team}` }).click();
    await expect.poll(() => item.getByTestId("own-request-notice").count(), UI).toBe(1);
    expect(await item.getByTestId("own-request-notice").textContent()).toMatch(/You filed this request yourself/);
    // Still pending: the first click only asked.
    const pending = await admin.get(`/api/v1/quota-requests`);
    expect((pending.body as { reason: string; status: string }[]).find((r) => r.reason === body.reason)?.status).toBe("PENDING");
    await shots(p, "approvals-own");
    await item.getByRole("button", { name: `Approve my own request for ${team}` }).click();
    await expect.poll(() => item.count(), UI).toBe(0);
    const decided = p.getByRole("table", { name: "Decided quota requests" }).locator("tbody tr").filter({ hasText: team });
    await expect.poll(() => decided.count(), UI).toBe(1);
    const text = (await decided.textContent()) ?? "";
    // "→" is shown, "to" is for screen readers.
    expect(text).toMatch(/1 cores\s*→\s*to\s*2 cores/);
    expect(text).toContain("(unchanged)");
  }, 300_000);

  it("shows a progress bar at the top while the next page is on its way", async () => {
    const p = await page("admin");
    await openPage(p, `${c.url}/audit`, c.mode);
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await p.route(
      (url) => url.pathname === "/tokens",
      async (route) => {
        if (route.request().headers()["rsc"] === "1" && route.request().headers()["next-router-prefetch"] === undefined) await released;
        await route.continue();
      },
    );
    const bar = p.getByRole("progressbar", { name: "Loading page" });
    expect(await bar.count()).toBe(0);
    try {
      await p.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Tokens" }).click();
      await expect.poll(() => bar.count(), UI).toBe(1);
      expect(await bar.isVisible()).toBe(true);
      await p.screenshot({ path: path.join(SHOTS, "progress-light-1440.png") });
    } finally {
      release();
    }
    await p.waitForURL(`${c.url}/tokens`);
    await expect.poll(() => bar.count(), UI).toBe(0);
  }, 300_000);
});
