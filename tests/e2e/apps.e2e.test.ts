import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, TEST_IMAGE_V2, type TestAgent } from "../helpers/agent";
import { adminApi, uid, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * An app's life as a team member drives it from the console, against a real agent and Docker:
 * create it from the form (after a refused image shows its reason at the field, and a round trip
 * through the JSON tab), watch its sets reach Running live, scale out, resize in place, run a
 * canary and roll it back, check what a viewer may do, delete it by typing its name. Every step
 * leaves light/dark, desktop/phone screenshots in test-results/e2e-apps/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-apps");
const IMAGE_V2 = TEST_IMAGE_V2;
const APP = "web";
// Sets start on a real engine and pages may compile on first use: UI waits get room.
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
let viewer: TTestUser;

const runningSets = () => page.getByTestId("set-state").filter({ hasText: "Running" }).count();

async function appView() {
  const res = await member.api.get(`/api/v1/teams/${team}/apps/${APP}`);
  return res.status === 200 ? ZAppView.parse(res.body) : null;
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, uid("e2e-apps"));
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 20, sets: 6 } });
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  const api = `/api/v1/teams/${team}/apps`;
  await warmRoutes(c.url, [
    "/login",
    "/apps",
    "/apps/new",
    `/apps/${APP}`,
    api,
    `${api}/${APP}`,
    `${api}/${APP}/canary`,
    `${api}/${APP}/canary/rollback`,
    `/api/v1/teams/${team}/quota`,
  ]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, member, team);
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await agent?.destroy(engine, admin);
});

describe("apps in a browser", () => {
  it("explains apps and sets while the team has none", async () => {
    await openPage(page, `${c.url}/apps`, c.mode);
    await expect.poll(() => page.getByText("No apps yet").count(), UI).toBe(1);
    expect(await page.getByText("Each replica is a set", { exact: false }).count()).toBeGreaterThan(0);
    await shoot(page, SHOTS, "01-apps-empty");
  }, 240_000);

  it("shows the server's reason next to a refused field, round-trips through the JSON tab, and creates the app", async () => {
    await page.getByRole("link", { name: "Create app" }).first().click();
    await page.waitForURL(`${c.url}/apps/new`);
    const form = page.getByRole("form", { name: "Create app" });
    await expect.poll(() => form.count(), UI).toBe(1);
    await form.getByLabel("App name", { exact: true }).fill(APP);
    await form.getByLabel("Replicas", { exact: true }).fill("1");
    await form.getByLabel("CPU cores", { exact: true }).fill("0.5");
    await form.getByLabel("Memory MiB", { exact: true }).fill("128");
    await form.getByLabel("Disk GiB", { exact: true }).fill("1");
    const container = form.getByRole("group", { name: /^Container 1/ });
    await container.getByLabel("Image", { exact: true }).fill("Not An Image!");
    await container.getByLabel("Command", { exact: true }).fill("httpd -f -p 8080");
    await container.getByLabel("Environment", { exact: true }).fill("GREETING=hello world");
    await form.getByRole("button", { name: "Create app" }).click();
    // The API's path containers.0.image lands under the image field itself.
    await expect.poll(() => container.getByText(/not a Docker image reference/).count(), UI).toBe(1);
    expect(await container.getByLabel("Image", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    await shoot(page, SHOTS, "02-create-refused-image");

    await container.getByLabel("Image", { exact: true }).fill(TEST_IMAGE);
    await form.getByRole("tab", { name: "JSON" }).click();
    const json = form.getByLabel("App body (JSON)");
    const body = JSON.parse(await json.inputValue()) as { replicas: number; containers: Array<{ image: string; command: string[]; env: Record<string, string> }> };
    expect(body.containers[0]).toMatchObject({ image: TEST_IMAGE, command: ["httpd", "-f", "-p", "8080"], env: { GREETING: "hello world" } });
    body.replicas = 2;
    await json.fill(JSON.stringify(body, null, 2));
    await expect.poll(() => page.getByTestId("quota-preview").getByText("1 of 4 cores").count(), UI).toBe(1);
    await shoot(page, SHOTS, "03-create-json-tab");
    await form.getByRole("tab", { name: "Form" }).click();
    // The edit made in JSON is in the form, and the form's own values survived the trip.
    await expect.poll(() => form.getByLabel("Replicas", { exact: true }).inputValue(), UI).toBe("2");
    expect(await container.getByLabel("Image", { exact: true }).inputValue()).toBe(TEST_IMAGE);
    expect(await container.getByLabel("Command", { exact: true }).inputValue()).toBe("httpd -f -p 8080");
    await shoot(page, SHOTS, "04-create-form-filled");

    await form.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(`${c.url}/apps/${APP}`);
    expect((await appView())?.replicas).toBe(2);
  }, 240_000);

  it("follows both sets to Running without a reload", async () => {
    await expect.poll(() => page.getByRole("heading", { name: APP, level: 1 }).count(), UI).toBe(1);
    await expect.poll(runningSets, SETTLE).toBe(2);
    expect(await page.getByTestId("state-summary").first().getAttribute("aria-label")).toBe("2 Running");
    const view = await appView();
    for (const s of view?.sets ?? []) expect(await page.getByText(s.id, { exact: true }).count()).toBe(1);
    await shoot(page, SHOTS, "05-app-running");
  }, 240_000);

  it("scales out by one from the page", async () => {
    await page.getByRole("button", { name: "Scale out by one set" }).click();
    await expect.poll(() => page.getByTestId("set-state").count(), UI).toBe(3);
    await expect.poll(runningSets, SETTLE).toBe(3);
    await expect.poll(() => page.getByTestId("operation-status").getAttribute("data-phase"), SETTLE).toBe("done");
    expect(await page.getByTestId("operation-status").textContent()).toContain("Scaled to 3");
    expect((await appView())?.replicas).toBe(3);
    await shoot(page, SHOTS, "06-scaled-to-3");
  }, 240_000);

  it("resizes in place, previewing the quota it takes", async () => {
    await page.getByRole("button", { name: "Resize…" }).click();
    const dialog = page.getByRole("dialog", { name: `Resize ${APP}` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    await dialog.getByLabel("CPU cores", { exact: true }).fill("0.75");
    await dialog.getByLabel("Memory MiB", { exact: true }).fill("192");
    // A container's share changes in the same step; shares past 100 % memory are caught first.
    const name = (await appView())!.containers[0].name;
    const memoryShare = dialog.getByLabel(`${name} memory %`, { exact: true });
    await memoryShare.fill("120");
    expect(await dialog.getByRole("button", { name: "Resize", exact: true }).getAttribute("aria-disabled")).toBe("true");
    expect(await memoryShare.getAttribute("aria-invalid")).toBe("true");
    await memoryShare.fill("90");
    await dialog.getByLabel(`${name} CPU %`, { exact: true }).fill("80");
    // 3 sets × +0.25 cores on top of 1.5 used.
    await expect.poll(() => dialog.getByTestId("quota-preview").getByText("2.25 of 4 cores").count(), UI).toBe(1);
    await shoot(page, SHOTS, "07-resize-dialog");
    await dialog.getByRole("button", { name: "Resize", exact: true }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);
    await expect.poll(() => page.getByTestId("app-size").textContent(), UI).toContain("0.75 cores · 192 MiB · 1 GiB disk");
    const resized = await appView();
    expect(resized?.size).toEqual({ cpu: 0.75, memoryMiB: 192, diskGiB: 1 });
    expect(resized?.containers[0]).toMatchObject({ cpu: 80, memory: 90 });
    await expect.poll(runningSets, SETTLE).toBe(3);
    await shoot(page, SHOTS, "08-resized");
  }, 240_000);

  it("runs a canary in one set, marks its image, and rolls it back", async () => {
    await page.getByRole("button", { name: "Canary…" }).click();
    const dialog = page.getByRole("dialog", { name: `Canary for ${APP}` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    await dialog.getByLabel("New image", { exact: true }).fill(IMAGE_V2);
    await dialog.getByLabel("Number of sets", { exact: true }).fill("1");
    await shoot(page, SHOTS, "09-canary-dialog");
    await dialog.getByRole("button", { name: "Start canary" }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);

    const banner = page.getByTestId("canary-banner");
    await expect.poll(() => banner.count(), UI).toBe(1);
    expect(await banner.textContent()).toContain(IMAGE_V2);
    await expect.poll(() => page.getByTestId("image-badge").filter({ hasText: "canary" }).count(), UI).toBe(1);
    await expect.poll(runningSets, SETTLE).toBe(3);
    const during = await appView();
    expect(during?.canary).toMatchObject({ container: "app", image: IMAGE_V2, previousImage: TEST_IMAGE });
    await shoot(page, SHOTS, "10-canary-running");

    await banner.getByRole("button", { name: "Roll back" }).click();
    const confirm = page.getByRole("dialog", { name: `Roll back to ${TEST_IMAGE}?` });
    await expect.poll(() => confirm.isVisible(), UI).toBe(true);
    await confirm.getByRole("button", { name: "Roll back" }).click();
    await expect.poll(() => banner.count(), UI).toBe(0);
    await expect.poll(() => page.getByTestId("image-badge").filter({ hasText: "canary" }).count(), UI).toBe(0);
    await expect.poll(runningSets, SETTLE).toBe(3);
    const after = await appView();
    expect(after?.canary).toBeNull();
    expect(after?.sets.every((s) => s.containers.every((ct) => ct.image === TEST_IMAGE))).toBe(true);
    await shoot(page, SHOTS, "11-canary-rolled-back");
  }, 300_000);

  it("shows a viewer everything, with the controls disabled and saying why", async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const vp = await signedInPage(viewerContext, c.url, viewer, team);
      await openPage(vp, `${c.url}/apps/${APP}`, c.mode);
      await expect.poll(() => vp.getByTestId("set-state").count(), UI).toBe(3);
      for (const name of ["+1: scale out by one set", "Resize…", "Canary…", "Delete…"]) {
        const button = vp.getByRole("button", { name, exact: true });
        expect(await button.getAttribute("aria-disabled")).toBe("true");
        expect(await button.getAttribute("title")).toMatch(/Viewers can look but not change apps/);
      }
      // A click on a disabled control opens nothing (force: Playwright itself would not click an aria-disabled button).
      await vp.getByRole("button", { name: "Delete…" }).click({ force: true });
      expect(await vp.getByRole("dialog", { name: `Delete ${APP}?` }).isVisible()).toBe(false);
      await shoot(vp, SHOTS, "12-viewer");
    } finally {
      await viewerContext.close();
    }
  }, 240_000);

  it("deletes the app only once its name is typed", async () => {
    await page.getByRole("button", { name: "Delete…" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${APP}?` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    const submit = dialog.getByRole("button", { name: "Delete app" });
    expect(await submit.getAttribute("aria-disabled")).toBe("true");
    await dialog.getByLabel(`Type ${APP} to confirm`).fill("we");
    // Neither Enter in the field nor a click on the disabled button deletes with the wrong name.
    await dialog.getByLabel(`Type ${APP} to confirm`).press("Enter");
    await submit.click({ force: true });
    expect(await appView()).not.toBeNull();
    await dialog.getByLabel(`Type ${APP} to confirm`).fill(APP);
    await shoot(page, SHOTS, "13-delete-confirm");
    await submit.click();
    await page.waitForURL(`${c.url}/apps?deleted=${APP}`);
    await expect.poll(() => page.getByText("No apps yet").count(), UI).toBe(1);
    expect(await appView()).toBeNull();
    await shoot(page, SHOTS, "14-deleted");
  }, 240_000);
});
