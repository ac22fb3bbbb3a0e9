import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ZQuota } from "@/lib/protocol/api";
import { adminApi, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, reloadPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * The quota workflow across two people: a member asks for new limits with a reason, an admin
 * sees it counted next to Admin, approves it from the approvals page with a note, and the member
 * sees the outcome and the new limits. Screenshots in test-results/e2e-quota/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-quota");
const UI = { timeout: 30_000, interval: 100 };
const REASON = "Checkout launch: four more sets of one core until the end of the quarter";
const NOTE = "Approved for the launch; we review it in April";

let admin: Api;
let browser: Browser;
let memberContext: BrowserContext;
let adminContext: BrowserContext;
let memberPage: Page;
let adminPage: Page;
let team: string;
let member: TTestUser;

beforeAll(async () => {
  admin = await adminApi(c);
  team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 2048, diskGiB: 10, sets: 4 } });
  member = await makeMember(admin, team, "MEMBER");
  await warmRoutes(c.url, ["/login", "/", "/quota", "/admin", "/admin/approvals", `/api/v1/teams/${team}/quota-requests`, "/api/v1/quota-requests/x/approve"]);
  browser = await launchBrowser();
  memberContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  adminContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  memberPage = await signedInPage(memberContext, c.url, member, team);
  adminPage = await signedInPage(adminContext, c.url, { email: c.adminEmail, password: c.adminPassword }, team);
}, 400_000);

afterAll(async () => {
  await memberContext?.close();
  await adminContext?.close();
  await browser?.close();
});

describe("quota requests in a browser", () => {
  it("lets a member ask for new limits, prefilled with today's", async () => {
    await openPage(memberPage, `${c.url}/quota`, c.mode);
    const form = memberPage.getByRole("form", { name: "Request quota" });
    await expect.poll(() => form.count(), UI).toBe(1);
    expect(await form.getByLabel("CPU cores", { exact: true }).inputValue()).toBe("2");
    expect(await form.getByLabel("Sets", { exact: true }).inputValue()).toBe("4");
    await form.getByLabel("CPU cores", { exact: true }).fill("6");
    await form.getByLabel("Sets", { exact: true }).fill("8");
    await form.getByLabel("Reason", { exact: true }).fill(REASON);
    await form.getByRole("button", { name: "Request quota" }).click();
    await expect.poll(() => form.getByText("Request filed").count(), UI).toBe(1);
    const row = memberPage.getByRole("row").filter({ hasText: REASON });
    await expect.poll(() => row.count(), UI).toBe(1);
    expect(await row.getByText("Pending", { exact: true }).count()).toBe(1);
    await shoot(memberPage, SHOTS, "01-member-requested");
  }, 240_000);

  it("shows the admin a pending count next to Admin and the request in the queue", async () => {
    await openPage(adminPage, `${c.url}/`, c.mode);
    const adminLink = adminPage.getByRole("navigation", { name: "Console" }).getByRole("link", { name: /^Admin/ });
    await expect.poll(() => adminLink.count(), UI).toBe(1);
    // Other suites share this console: at least this one request is pending.
    await expect.poll(async () => Number((await adminLink.textContent())?.replace(/\D+/g, "") || 0), UI).toBeGreaterThan(0);
    await shoot(adminPage, SHOTS, "02-admin-nav-count");

    await openPage(adminPage, `${c.url}/admin/approvals`, c.mode);
    const item = adminPage.getByTestId("approval").filter({ hasText: REASON });
    await expect.poll(() => item.count(), UI).toBe(1);
    // Current → asked for, per dimension.
    expect(await item.getByText("2 cores").count()).toBeGreaterThan(0);
    expect(await item.getByText("6 cores").count()).toBe(1);
    await item.getByLabel("Note to the requester").fill(NOTE);
    await shoot(adminPage, SHOTS, "03-approvals-queue");
  }, 240_000);

  it("approves it once; it leaves the queue and the limits change", async () => {
    const item = adminPage.getByTestId("approval").filter({ hasText: REASON });
    await item.getByRole("button", { name: /^Approve/ }).click();
    await expect.poll(() => item.count(), UI).toBe(0);
    const decided = adminPage.getByRole("row").filter({ hasText: team });
    await expect.poll(() => decided.getByText("Approved", { exact: true }).count(), UI).toBe(1);
    expect(await decided.getByText(NOTE).count()).toBe(1);
    const quota = ZQuota.parse((await member.api.get(`/api/v1/teams/${team}/quota`)).body);
    expect(quota.limits).toEqual({ cpu: 6, memoryMiB: 2048, diskGiB: 10, sets: 8 });
    await shoot(adminPage, SHOTS, "04-approved");
  }, 240_000);

  it("shows the member the outcome, the note and the new limits", async () => {
    await reloadPage(memberPage, c.mode);
    const row = memberPage.getByRole("row").filter({ hasText: REASON });
    await expect.poll(() => row.getByText("Approved", { exact: true }).count(), UI).toBe(1);
    expect(await row.getByText(c.adminEmail).count()).toBe(1);
    expect(await row.getByText(NOTE).count()).toBe(1);
    expect(await memberPage.getByText("0 of 6 cores").count()).toBeGreaterThan(0);
    expect(await memberPage.getByText("0 of 8 sets").count()).toBeGreaterThan(0);
    // The form now starts from the new limits.
    expect(await memberPage.getByRole("form", { name: "Request quota" }).getByLabel("CPU cores", { exact: true }).inputValue()).toBe("6");
    await shoot(memberPage, SHOTS, "05-member-sees-approval");
  }, 240_000);
});
