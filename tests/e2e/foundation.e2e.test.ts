import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ZMember } from "@/lib/protocol/api";
import { adminApi, Api, uid, uniqueEmail, uniqueIp } from "../helpers/api";
import { cspViolations, launchBrowser, watchCsp } from "../helpers/browser";
import { REPO_ROOT } from "../helpers/console";
import { consoleInfo } from "../helpers/context";

/**
 * The console as an operator uses it: sign in through the login form, create a team, add an
 * existing user to it, create an API token that is shown exactly once, revoke it, sign out. Every step
 * checks the UI and, where it matters, the API behind it; each leaves a screenshot in
 * test-results/e2e-foundation/.
 */
const c = consoleInfo();
const SHOTS = path.join(REPO_ROOT, "test-results", "e2e-foundation");

let browser: Browser;
let context: BrowserContext;
let page: Page;
let admin: Api;

const team = uid("e2e");
const member = { email: uniqueEmail("member"), password: `pw-${uid("m")}`, name: "Mia Member" };
const tokenName = uid("ci-token");
let token = "";
// Server components re-render after each mutation (router.refresh); a dev console compiles on first use.
const SLOW = { timeout: 20_000, interval: 100 };

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
  // Its own client address, so the per-IP login limiter other test files exercise stays out of the way.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
  watchCsp(context);
  page = await context.newPage();
  admin = await adminApi(c);
});

afterAll(async () => {
  // Login, forms, tables and dialogs all ran under the console's CSP, with nothing refused.
  expect(cspViolations).toEqual([]);
  await context?.close();
  await browser?.close();
});

describe("console foundation in a browser", () => {
  it("signs the admin in through the login form and lands on the dashboard", async () => {
    await page.goto(`${c.url}/`);
    await page.waitForURL(`${c.url}/login`);
    await page.getByLabel("Email", { exact: true }).fill(c.adminEmail);
    await page.getByLabel("Password", { exact: true }).fill(c.adminPassword);
    await shot("01-login");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${c.url}/`);
    await expect.poll(() => page.getByRole("heading", { name: "Dashboard", level: 1 }).count(), SLOW).toBe(1);
    await expect.poll(() => page.getByText(c.adminEmail).count(), SLOW).toBeGreaterThan(0);
    // "Admin", or "Admin 2 pending approvals" when an earlier suite left quota requests waiting.
    expect(await page.getByRole("link", { name: /^Admin\s*(\d+\s*pending approvals?)?$/ }).count()).toBe(1);
    await shot("02-dashboard");
  });

  it("creates a team from the Teams page and opens it", async () => {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Teams" }).click();
    await page.waitForURL(`${c.url}/teams`);
    const form = page.getByRole("form", { name: "Create team" });
    await form.getByLabel("Slug", { exact: true }).fill(team);
    await form.getByLabel("Name", { exact: true }).fill("End to end");
    await form.getByLabel("CPU cores", { exact: true }).fill("2.5");
    await form.getByLabel("Memory (MiB)", { exact: true }).fill("4096");
    await form.getByLabel("Disk (GiB)", { exact: true }).fill("20");
    await form.getByLabel("Sets", { exact: true }).fill("4");
    await form.getByRole("button", { name: "Create team" }).click();
    await page.waitForURL(`${c.url}/teams/${team}`);
    await expect.poll(() => page.getByRole("heading", { name: "End to end", level: 1 }).count(), SLOW).toBe(1);
    // The quota typed into the form is what the team got.
    await expect.poll(() => page.getByText("0 of 2.5 cores").count(), SLOW).toBe(1);
    expect(await page.getByText("0 of 4 sets").count()).toBe(1);
    const quota = (await admin.get(`/api/v1/teams/${team}/quota`)).body;
    expect(quota).toMatchObject({ limits: { cpu: 2.5, memoryMiB: 4096, diskGiB: 20, sets: 4 } });
    await shot("03-team-created");
  });

  it("adds an existing user as a member, and shows the server's reason when adding them twice", async () => {
    // Accounts come from an admin (or an invitation, tests/e2e/accounts): the form only adds people who have one.
    expect((await admin.post("/api/v1/users", { email: member.email, name: member.name, password: member.password })).status).toBe(201);
    const form = page.getByRole("form", { name: "Add member" });
    await form.getByLabel("Email", { exact: true }).fill(member.email);
    await form.getByLabel("Role", { exact: true }).selectOption("MEMBER");
    await form.getByRole("button", { name: "Add member" }).click();
    const row = page.getByRole("row").filter({ hasText: member.email });
    await expect.poll(() => row.count(), SLOW).toBe(1);
    expect(await row.getByText(member.name).count()).toBe(1);

    const members = ZMember.array().parse((await admin.get(`/api/v1/teams/${team}/members`)).body);
    expect(members.find((m) => m.email === member.email)).toMatchObject({ role: "MEMBER", name: member.name, disabled: false });

    await form.getByLabel("Email", { exact: true }).fill(member.email);
    await form.getByRole("button", { name: "Add member" }).click();
    await expect.poll(() => form.getByText(`${member.email} is already a member of ${team}`).count(), SLOW).toBe(1);
    await shot("04-member-added");
  });

  it("creates an API token that works and is shown once", async () => {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Tokens" }).click();
    await page.waitForURL(`${c.url}/tokens`);
    await page.getByLabel("Token name", { exact: true }).fill(tokenName);
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByTestId("new-token");
    await expect.poll(() => shown.count(), SLOW).toBe(1);
    token = (await shown.textContent())?.trim() ?? "";
    expect(token).toMatch(/^berth_\S{20,}$/);
    expect(await page.getByText("it will not be shown again").count()).toBe(1);
    await shot("05-token-created");

    const usedFrom = uniqueIp();
    const me = await new Api(c.url, { token, ip: usedFrom }).get("/api/v1/me");
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: c.adminEmail });
    // A token minted with that token is listed as its child.
    const child = await new Api(c.url, { token, ip: usedFrom }).post("/api/v1/auth/tokens", { name: `${tokenName}-child` });
    expect(child.status).toBe(201);

    await page.reload();
    await expect.poll(() => page.getByRole("row").filter({ hasText: tokenName }).count(), SLOW).toBe(2);
    expect(await page.getByTestId("new-token").count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    const row = page.getByRole("row").filter({ hasText: tokenName }).filter({ hasNotText: "-child" });
    expect(await row.getByText("Active", { exact: true }).count()).toBe(1);
    // Default lifetime, and where it was last used from.
    expect(await row.getByText(/in 3 months|in 90 days|in 2 months/).count()).toBe(1);
    expect(await row.getByTestId("token-last-ip").textContent()).toBe(usedFrom);
    const childRow = page.getByRole("row").filter({ hasText: `${tokenName}-child` });
    expect(await childRow.getByTestId("token-parent").textContent()).toContain(`minted with ${tokenName}`);
    await shot("05b-token-list");
  });

  it("revokes the token after a confirmation, and the API stops accepting it", async () => {
    const row = page.getByRole("row").filter({ hasText: tokenName }).filter({ hasNotText: "-child" });
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: `Revoke token “${tokenName}”?` });
    await expect.poll(() => dialog.isVisible(), SLOW).toBe(true);
    await shot("06-revoke-confirm");
    await dialog.getByRole("button", { name: "Revoke token" }).click();
    await expect.poll(() => row.getByText("Revoked", { exact: true }).count(), SLOW).toBe(1);
    expect(await row.getByRole("button", { name: "Revoke" }).count()).toBe(0);
    expect((await new Api(c.url, { token }).get("/api/v1/me")).status).toBe(401);
    // Its child went with it (the page refreshes after the revoke).
    const childRow = page.getByRole("row").filter({ hasText: `${tokenName}-child` });
    await expect.poll(() => childRow.getByText("Revoked", { exact: true }).count(), SLOW).toBe(1);
    await shot("07-token-revoked");
  });

  it("logs out to the login page, and the console is closed to the old session", async () => {
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login(\?|$)/);
    await expect.poll(() => page.getByRole("button", { name: "Sign in" }).count(), SLOW).toBe(1);
    await shot("08-logged-out");
    await page.goto(`${c.url}/tokens`);
    await page.waitForURL(`${c.url}/login`);
  });
});
