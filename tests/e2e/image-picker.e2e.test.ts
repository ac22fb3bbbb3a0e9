import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZAppView } from "@/lib/protocol/apps";
import { ZTeamImages } from "@/lib/protocol/images";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, TEST_IMAGE_LOCAL, TEST_IMAGE_V2, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, uid, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * Image fields offer the registry's catalog: the create-app form and the canary dialog suggest
 * the team's own tags (pushed here by the docker CLI) and the shared library's, with a short
 * digest and push time; typing any other reference still works. A team with no images of its own
 * is pointed at the Images page. The browser's datalist popup is native UI that headless Chromium
 * neither draws nor lets the keyboard drive, so a pick is the option's value put in the field.
 * Screenshots go to test-results/e2e-image-picker/ and /tmp/berth-image-picker-*.png.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-image-picker");
const APP = "picked";
const UI = { timeout: 30_000, interval: 100 };
const SETTLE = { timeout: 150_000, interval: 250 };

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let team: string;
let member: TTestUser;
let cli: DockerCli | undefined;

async function appView() {
  const res = await member.api.get(`/api/v1/teams/${team}/apps/${APP}`);
  return res.status === 200 ? ZAppView.parse(res.body) : null;
}

/** The values and labels of the datalist an input names in `list` (empty while it names none). */
async function suggestions(input: Locator): Promise<Array<{ value: string; label: string }>> {
  return input.evaluate((el) => {
    const list = el instanceof HTMLInputElement ? el.list : null;
    return list ? [...list.options].map((o) => ({ value: o.value, label: o.textContent ?? "" })) : [];
  });
}

const values = async (input: Locator) => (await suggestions(input)).map((s) => s.value);

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, uid("e2e-picker"));
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 20, sets: 6 } });
  member = await makeMember(admin, team, "MEMBER");
  cli = new DockerCli();
  const login = await cli.login(c.registry, member.email, member.token);
  if (login.code !== 0) throw new Error(`docker login ${c.registry} as ${member.email}: ${login.stderr}`);
  await cli.push(TEST_IMAGE_LOCAL, `${c.registry}/${team}/web:1`);
  await waitFor(
    "the team's tag in the catalog",
    async () => ZTeamImages.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}/images`), 200)).repositories.some((r) => r.name === "web"),
    20_000,
    200,
  );
  const api = `/api/v1/teams/${team}/apps`;
  await warmRoutes(c.url, ["/login", "/apps/new", `/apps/${APP}`, "/images", `/api/v1/teams/${team}/images?include=library`, api, `${api}/${APP}`]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, member, team);
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  cli?.destroy();
  await agent?.destroy(engine, admin);
});

describe("image fields pick from the catalog", () => {
  it("lists the team's and the library's images with the API's ?include=library, and not without it", async () => {
    const withLibrary = ZTeamImages.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}/images?include=library`), 200));
    const shared = withLibrary.library?.find((r) => r.repository === "library/test-busybox");
    expect(shared?.name).toBe("test-busybox");
    expect(shared?.tags.map((t) => t.tag).sort()).toEqual(expect.arrayContaining(["1", "2", "crash"]));
    expect(withLibrary.repositories.map((r) => r.repository)).toEqual([`${team}/web`]);
    const plain = ZTeamImages.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}/images`), 200));
    expect(plain.library).toBeUndefined();
    expect((await member.api.get(`/api/v1/teams/${team}/images?include=everything`)).status).toBe(400);
  });

  it("suggests them in the create form, team's first, and creates the app from a pick", async () => {
    await openPage(page, `${c.url}/apps/new`, c.mode);
    const form = page.getByRole("form", { name: "Create app" });
    await expect.poll(() => form.count(), UI).toBe(1);
    const container = form.getByRole("group", { name: /^Container 1/ });
    const image = container.getByLabel("Image", { exact: true });
    await expect.poll(() => values(image), UI).toEqual(expect.arrayContaining([`${team}/web:1`, TEST_IMAGE, TEST_IMAGE_V2]));
    const offered = await suggestions(image);
    expect(offered[0]?.value).toBe(`${team}/web:1`);
    expect(offered.find((o) => o.value === TEST_IMAGE)?.label).toMatch(/^sha256:[0-9a-f]{12}… · pushed .+ · shared library$/);
    expect(offered.find((o) => o.value === `${team}/web:1`)?.label).toMatch(/^sha256:[0-9a-f]{12}… · pushed (just now|.+ ago)$/);
    const hint = container.locator(`[id="${await image.getAttribute("id")}-hint"]`);
    expect(await hint.textContent()).toContain(`Suggests ${offered.length} images from the registry as you type`);

    await form.getByLabel("App name", { exact: true }).fill(APP);
    await form.getByLabel("Replicas", { exact: true }).fill("2");
    await form.getByLabel("CPU cores", { exact: true }).fill("0.25");
    await form.getByLabel("Memory MiB", { exact: true }).fill("64");
    await form.getByLabel("Disk GiB", { exact: true }).fill("1");
    // Typing keeps working: a partial reference first, then the picked suggestion's value.
    await image.pressSequentially("library/test-bu");
    expect(await image.inputValue()).toBe("library/test-bu");
    await image.fill(offered.find((o) => o.value === TEST_IMAGE)?.value ?? "");
    await container.getByLabel("Command", { exact: true }).fill("sleep 1000000");
    await shoot(page, SHOTS, "01-create-form");
    await page.screenshot({ path: "/tmp/berth-image-picker-create.png", fullPage: true });

    await form.getByRole("button", { name: "Create app" }).click();
    await page.waitForURL(`${c.url}/apps/${APP}`);
    const created = await appView();
    expect(created?.containers.map((ct) => ct.image)).toEqual([TEST_IMAGE]);
    const template = page.getByRole("region", { name: "Template" });
    await expect.poll(() => template.getByText(TEST_IMAGE, { exact: true }).count(), UI).toBe(1);
    await expect.poll(() => page.getByTestId("set-state").filter({ hasText: "Running" }).count(), SETTLE).toBe(2);
  }, 300_000);

  it("suggests them in the canary dialog, read afresh when it opens", async () => {
    const canary = page.getByRole("button", { name: "Canary…" });
    await expect.poll(() => canary.getAttribute("aria-disabled"), UI).not.toBe("true");
    // Pushed after the page loaded: the dialog still offers it.
    await cli?.push(TEST_IMAGE_LOCAL, `${c.registry}/${team}/web:2`);
    await waitFor(
      "web:2 in the catalog",
      async () => ZTeamImages.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}/images`), 200)).repositories.some((r) => r.tags.some((t) => t.tag === "2")),
      20_000,
      200,
    );
    await canary.click();
    const dialog = page.getByRole("dialog", { name: `Canary for ${APP}` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    const image = dialog.getByLabel("New image", { exact: true });
    expect(await image.inputValue()).toBe(TEST_IMAGE);
    await expect.poll(() => values(image), UI).toEqual(expect.arrayContaining([`${team}/web:2`, `${team}/web:1`, TEST_IMAGE, TEST_IMAGE_V2]));
    const hint = dialog.locator(`[id="${await image.getAttribute("id")}-hint"]`);
    expect(await hint.textContent()).toMatch(new RegExp(`^now ${TEST_IMAGE} · Suggests \\d+ images from the registry`));
    await image.fill(TEST_IMAGE_V2);
    await shoot(page, SHOTS, "02-canary-dialog");
    await page.screenshot({ path: "/tmp/berth-image-picker-canary.png", fullPage: true });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);
    expect((await appView())?.canary).toBeNull();
  }, 240_000);

  it("points a team without images of its own at the Images page, and still takes a typed reference", async () => {
    const emptyTeam = await makeTeam(admin);
    const owner = await makeMember(admin, emptyTeam, "OWNER");
    const emptyContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const ep = await signedInPage(emptyContext, c.url, owner, emptyTeam);
      await openPage(ep, `${c.url}/apps/new`, c.mode);
      const container = ep.getByRole("form", { name: "Create app" }).getByRole("group", { name: /^Container 1/ });
      const image = container.getByLabel("Image", { exact: true });
      // Library images are still offered; none of the team's.
      await expect.poll(() => values(image), UI).toContain(TEST_IMAGE);
      expect((await values(image)).every((v) => v.startsWith("library/"))).toBe(true);
      const hint = container.locator(`[id="${await image.getAttribute("id")}-hint"]`);
      expect(await hint.textContent()).toContain("The team has none of its own yet: push one from the Images page.");
      expect(await hint.getByRole("link", { name: "Images page" }).getAttribute("href")).toBe("/images");
      await image.fill(`${emptyTeam}/not-pushed:1`);
      expect(await image.inputValue()).toBe(`${emptyTeam}/not-pushed:1`);
      await shoot(ep, SHOTS, "03-no-team-images");
      await ep.screenshot({ path: "/tmp/berth-image-picker-empty-team.png", fullPage: true });
    } finally {
      await emptyContext.close();
    }
  }, 240_000);
});
