import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { adminApi, Api, uniqueEmail, uniqueIp, type TApiResponse } from "../helpers/api";
import { cspViolations, launchBrowser, watchCsp } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * Accounts in the browser: an owner invites by email and hands over the link; the invitee picks
 * their own password on the link's page and lands in the team; they change it with "sign out
 * everywhere else", which ends their other browser session; an admin creates a user and forces
 * a reset, each giving a one-use link.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-accounts");
const SLOW = { timeout: 30_000, interval: 100 };

let browser: Browser;
const contexts: BrowserContext[] = [];
let admin: Api;
let team: string;
let owner: TTestUser;
const invitee = { email: uniqueEmail("invitee"), password: "my-own-choice-1", name: "Ivy Invitee" };
let inviteUrl = "";
let inviteePage: Page;

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, extraHTTPHeaders: { "x-forwarded-for": uniqueIp() } });
  watchCsp(context);
  contexts.push(context);
  return context;
}

const statusOf = (r: TApiResponse) => r.status;

beforeAll(async () => {
  browser = await launchBrowser();
  admin = await adminApi(c);
  team = await makeTeam(admin);
  owner = await makeMember(admin, team, "OWNER");
  await warmRoutes(c.url, [`/teams/${team}`, "/account", "/admin", "/invite/warm-up"]);
}, 240_000);

afterAll(async () => {
  expect(cspViolations).toEqual([]);
  for (const context of contexts) await context.close();
  await browser?.close();
});

describe("accounts in a browser", () => {
  it("an owner invites an email and gets a one-use link to copy", async () => {
    const page = await signedInPage(await newContext(), c.url, owner, team);
    await page.goto(`${c.url}/teams/${team}`);
    const form = page.getByRole("form", { name: "Invite" });
    await form.getByLabel("Email", { exact: true }).fill(invitee.email);
    await form.getByLabel("Role", { exact: true }).selectOption("MEMBER");
    await form.getByRole("button", { name: "Create invitation link" }).click();
    const link = page.getByTestId("one-use-link");
    await expect.poll(() => link.count(), SLOW).toBe(1);
    inviteUrl = (await link.textContent())?.trim() ?? "";
    expect(inviteUrl).toMatch(new RegExp(`^${c.url}/invite/berth_link_\\S+$`));
    expect(await page.getByRole("button", { name: "Copy link" }).count()).toBe(1);
    // Listed as pending, with a way to revoke it.
    const pending = page.getByRole("table", { name: `Pending invitations to ${team}` });
    await expect.poll(() => pending.getByRole("cell", { name: invitee.email, exact: true }).count(), SLOW).toBe(1);
    expect(await pending.getByRole("button", { name: `Revoke the invitation for ${invitee.email}` }).count()).toBe(1);
    await shoot(page, SHOTS, "01-invite-link");
  });

  it("the invitee sets their own password through the link and lands in the team, signed in", async () => {
    const context = await newContext();
    inviteePage = await context.newPage();
    await inviteePage.goto(inviteUrl);
    await expect.poll(() => inviteePage.getByRole("heading", { name: /^Join Team .* on Berth$/ }).count(), SLOW).toBe(1);
    const form = inviteePage.getByRole("form", { name: "Accept invitation" });
    expect(await form.getByLabel("Email", { exact: true }).inputValue()).toBe(invitee.email);
    await form.getByLabel("Password", { exact: true }).fill("short");
    await form.getByRole("button", { name: /^Join / }).click();
    await expect.poll(() => form.getByText("password: at least 10 characters").count(), SLOW).toBe(1);
    await shoot(inviteePage, SHOTS, "02-invite-refused");

    await form.getByLabel("Password", { exact: true }).fill(invitee.password);
    await form.getByLabel("Name", { exact: true }).fill(invitee.name);
    await form.getByRole("button", { name: /^Join / }).click();
    await inviteePage.waitForURL(`${c.url}/teams/${team}`, { timeout: 30_000 });
    await expect.poll(() => inviteePage.getByRole("row").filter({ hasText: invitee.email }).count(), SLOW).toBe(1);
    await shoot(inviteePage, SHOTS, "03-invitee-in-team");

    // The link is spent.
    const again = await (await newContext()).newPage();
    await again.goto(inviteUrl);
    await expect.poll(() => again.getByRole("heading", { name: "This link cannot be used" }).count(), SLOW).toBe(1);
  });

  it("changing the password with 'sign out everywhere else' ends the other session and keeps this one", async () => {
    const elsewhere = await signedInPage(await newContext(), c.url, invitee);
    await elsewhere.goto(`${c.url}/account`);
    await expect.poll(() => elsewhere.getByRole("form", { name: "Change password" }).count(), SLOW).toBe(1);

    await inviteePage.goto(`${c.url}/account`);
    const form = inviteePage.getByRole("form", { name: "Change password" });
    await form.getByLabel("Current password", { exact: true }).fill(invitee.password);
    await form.getByLabel("New password", { exact: true }).fill("a-better-one-22");
    await form.getByLabel("Repeat new password", { exact: true }).fill("a-better-one-22");
    await form.getByLabel(/Sign out everywhere else/).check();
    await form.getByRole("button", { name: "Change password" }).click();
    await expect.poll(() => form.getByRole("status").filter({ hasText: "Every other session is signed out" }).count(), SLOW).toBe(1);
    await shoot(inviteePage, SHOTS, "04-password-changed");

    await inviteePage.reload();
    expect(new URL(inviteePage.url()).pathname).toBe("/account");
    await elsewhere.reload();
    // The server's redirect reads /login; the page's own API calls (the alert bell's count) may get there
    // first with ?error=SessionExpired. Either way that session is over.
    await elsewhere.waitForURL((u) => u.origin === c.url && u.pathname === "/login", { timeout: 30_000 });
    expect(statusOf(await new Api(c.url).post("/api/v1/auth/token", { email: invitee.email, password: "a-better-one-22" }))).toBe(201);
  });

  it("an admin creates a user and forces a reset, each giving a one-use link", async () => {
    const page = await signedInPage(await newContext(), c.url, { email: c.adminEmail, password: c.adminPassword });
    await page.goto(`${c.url}/admin`);
    const form = page.getByRole("form", { name: "Create user" });
    const email = uniqueEmail("made");
    await form.getByLabel("Email", { exact: true }).fill(email);
    await form.getByLabel("Name", { exact: true }).fill("Made By Admin");
    await form.getByRole("button", { name: "Create user" }).click();
    await expect.poll(() => form.getByTestId("one-use-link").count(), SLOW).toBe(1);
    expect(await form.getByTestId("one-use-link").textContent()).toMatch(/\/invite\/berth_link_/);
    await shoot(page, SHOTS, "05-user-created");

    await page.reload();
    await page.getByRole("button", { name: `Reset password of ${invitee.email}` }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Reset password" }).click();
    await expect.poll(() => page.getByTestId("one-use-link").count(), SLOW).toBe(1);
    await shoot(page, SHOTS, "06-password-reset");
    expect(statusOf(await new Api(c.url).post("/api/v1/auth/token", { email: invitee.email, password: "a-better-one-22" }))).toBe(401);
  });
});
