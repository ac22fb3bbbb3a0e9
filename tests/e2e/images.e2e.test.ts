import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { ZTeamImages } from "@/lib/protocol/images";
import { ensureTestImage, TEST_IMAGE_LOCAL, waitFor } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * The Images page in a real Chromium, with images pushed by the docker CLI: a member sees the
 * team's repository, its tags and digests, and the exact push commands; copies a digest; a viewer
 * sees the controls off and why; deleting a tag asks first, names the tags on the same digest,
 * and shows the console's refusal while a set runs it; a `docker save` tarball uploads through
 * the page with progress. Screenshots in light/dark, desktop/phone go to test-results/e2e-images/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-images");
const UI = { timeout: 30_000, interval: 100 };
// The second BusyBox build publishTestImages makes: same files, another config, another digest.
const VARIANT_LOCAL = "berth/test-busybox:variant-2";
const APP = "api";

let admin: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let team: string;
let member: TTestUser;
let viewer: TTestUser;
let cli: DockerCli;
let digestOne: string;
let tarDir: string;

async function catalog() {
  return ZTeamImages.parse(expectStatus(await member.api.get(`/api/v1/teams/${team}/images`), 200));
}

/** The row of one tag (its tag cell holds exactly `tag`). */
function tagRow(p: Page, tag: string): Locator {
  return p.locator("tbody tr", { has: p.getByTestId("image-tag").getByText(tag, { exact: true }) });
}

/** At phone width the page itself never scrolls sideways; wide tables scroll inside their card. */
async function expectNoSidewaysScroll(p: Page): Promise<void> {
  await p.setViewportSize({ width: 390, height: 844 });
  try {
    await expect.poll(() => p.evaluate(() => document.documentElement.scrollWidth), UI).toBeLessThanOrEqual(390);
  } finally {
    await p.setViewportSize({ width: 1280, height: 900 });
  }
}

function tagsShown(p: Page): Promise<string[]> {
  return p.getByTestId("image-tag").allTextContents();
}

beforeAll(async () => {
  admin = await adminApi(c);
  await ensureTestImage();
  team = await makeTeam(admin);
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  cli = new DockerCli();
  const login = await cli.login(c.registry, member.email, member.token);
  if (login.code !== 0) throw new Error(`docker login ${c.registry} as ${member.email}: ${login.stderr}`);
  // 1 and stable share a digest (a delete takes both); 2 is another image, which an app pins.
  digestOne = await cli.push(TEST_IMAGE_LOCAL, `${c.registry}/${team}/web:1`);
  await cli.push(TEST_IMAGE_LOCAL, `${c.registry}/${team}/web:stable`);
  await cli.push(VARIANT_LOCAL, `${c.registry}/${team}/web:2`);
  await waitFor("the three tags in the catalog", async () => (await catalog()).repositories.find((r) => r.name === "web")?.tags.length === 3, 20_000, 200);
  // No host runs it in this file: the set stays Pending, but it pins web:2, so deleting that tag is refused.
  expectStatus(
    await member.api.post(`/api/v1/teams/${team}/apps`, {
      name: APP,
      replicas: 1,
      size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
      containers: [{ index: 0, name: "main", image: `${team}/web:2`, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
    }),
    201,
  );
  tarDir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-images-e2e-"));
  await warmRoutes(c.url, ["/login", "/images", "/tokens", `/api/v1/teams/${team}/images`, `/api/v1/teams/${team}/images/web/tags/1`]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: c.url });
  page = await signedInPage(context, c.url, member, team);
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  cli?.destroy();
  if (tarDir) fs.rmSync(tarDir, { recursive: true, force: true });
  if (member) await member.api.delete(`/api/v1/teams/${team}/apps/${APP}`);
});

describe("the images page", () => {
  it("explains images and points at the push panel while the team has none", async () => {
    const emptyTeam = await makeTeam(admin);
    const owner = await makeMember(admin, emptyTeam, "OWNER");
    const emptyContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const ep = await signedInPage(emptyContext, c.url, owner, emptyTeam);
      await openPage(ep, `${c.url}/images`, c.mode);
      await expect.poll(() => ep.getByText("No images yet", { exact: true }).count(), UI).toBe(1);
      expect(await ep.getByRole("link", { name: /How to push one/ }).getAttribute("href")).toBe("#push");
      expect(await ep.getByTestId("push-tag").textContent()).toContain(`${c.registry}/${emptyTeam}/`);
      await shoot(ep, SHOTS, "00-empty");
    } finally {
      await emptyContext.close();
    }
  }, 240_000);

  it("shows the team's repository with its tags, digests, sizes, pushers, the app using it and what it stores", async () => {
    await openPage(page, `${c.url}/images`, c.mode);
    await expect.poll(() => page.getByRole("heading", { name: new RegExp(`^${team}/web`) }).count(), UI).toBe(1);
    expect((await tagsShown(page)).sort()).toEqual(["1", "2", "stable"]);
    const one = tagRow(page, "1");
    const digestCell = one.getByTestId("image-digest");
    expect(await digestCell.textContent()).toBe(`sha256:${digestOne.slice(7, 19)}…`);
    expect(await digestCell.getAttribute("title")).toBe(digestOne);
    expect(await one.textContent()).toContain(member.email);
    expect(await one.locator("time").getAttribute("title")).toBeTruthy();
    expect(await one.textContent()).toMatch(/\d(\.\d)? MiB/);
    const card = page.getByRole("region", { name: new RegExp(`^${team}/web`) });
    expect(await card.getByRole("link", { name: APP, exact: true }).getAttribute("href")).toBe(`/apps/${APP}`);
    expect(await card.getByText("In use", { exact: true }).count()).toBe(1);
    expect(await page.getByTestId("images-storage").textContent()).toMatch(/ stored, .* if layers were not shared$/);
    await shoot(page, SHOTS, "01-images");
    await expectNoSidewaysScroll(page);
  }, 240_000);

  it("gives the exact push commands for this registry and team, filled in as the fields are typed", async () => {
    expect(await page.getByTestId("push-login").textContent()).toBe(`docker login ${c.registry} -u ${member.email}`);
    expect(await page.getByTestId("push-tag").textContent()).toBe(`docker tag <local-image> ${c.registry}/${team}/<repo>:<tag>`);
    expect(await page.getByTestId("push-push").textContent()).toBe(`docker push ${c.registry}/${team}/<repo>:<tag>`);
    expect(await page.getByTestId("push-use").textContent()).toBe(`${team}/<repo>:<tag>`);
    const push = page.getByRole("region", { name: "Push from your machine" });
    expect(await push.getByRole("link", { name: /Tokens page/ }).getAttribute("href")).toBe("/tokens");
    await push.getByLabel("Local image", { exact: true }).fill("my-app:dev");
    await push.getByLabel("Repository", { exact: true }).fill("worker");
    await push.getByLabel("Tag", { exact: true }).fill("1.4");
    await expect.poll(() => page.getByTestId("push-tag").textContent(), UI).toBe(`docker tag my-app:dev ${c.registry}/${team}/worker:1.4`);
    expect(await page.getByTestId("push-push").textContent()).toBe(`docker push ${c.registry}/${team}/worker:1.4`);
    expect(await page.getByTestId("push-use").textContent()).toBe(`${team}/worker:1.4`);
    // Each line has its own copy button, and it copies the line as shown.
    await push.locator("li", { has: page.getByTestId("push-push") }).getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), UI).toBe(`docker push ${c.registry}/${team}/worker:1.4`);
  });

  it("copies a tag's full digest", async () => {
    const one = tagRow(page, "1");
    await one.getByRole("button", { name: "Copy" }).click();
    await expect.poll(() => one.getByText("Copied to clipboard").count(), UI).toBe(1);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(digestOne);
  });

  it("shows a viewer the tags with delete and upload off, saying why", async () => {
    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const vp = await signedInPage(viewerContext, c.url, viewer, team);
      await openPage(vp, `${c.url}/images`, c.mode);
      await expect.poll(() => vp.getByTestId("image-tag").count(), UI).toBe(3);
      for (const tag of ["1", "2", "stable"]) {
        const del = vp.getByRole("button", { name: `Delete tag ${tag}` });
        expect(await del.getAttribute("aria-disabled")).toBe("true");
        expect(await del.getAttribute("title")).toMatch(/MEMBER role/);
      }
      await vp.getByRole("button", { name: "Delete tag 1" }).click({ force: true });
      expect(await vp.getByRole("dialog").count()).toBe(0);
      const upload = vp.getByRole("button", { name: "Upload", exact: true });
      expect(await upload.getAttribute("aria-disabled")).toBe("true");
      expect(await upload.getAttribute("title")).toMatch(/MEMBER role/);
      expect(await vp.getByLabel("Image tarball").isDisabled()).toBe(true);
      expect(await vp.getByTestId("upload-blocked").textContent()).toMatch(/MEMBER role/);
      await shoot(vp, SHOTS, "02-viewer");
    } finally {
      await viewerContext.close();
    }
  }, 240_000);

  it("keeps a tag a set runs, showing the console's reason in the dialog", async () => {
    await tagRow(page, "2").getByRole("button", { name: "Delete tag 2" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${team}/web:2?` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    expect(await dialog.textContent()).toContain("No other tag points at this image.");
    await dialog.getByRole("button", { name: "Delete tag", exact: true }).click();
    await expect.poll(() => dialog.getByRole("alert").count(), UI).toBe(1);
    expect(await dialog.getByRole("alert").textContent()).toMatch(new RegExp(`of app ${APP} runs ${team}/web@sha256:`));
    await shoot(page, SHOTS, "03-delete-refused");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect((await catalog()).repositories.find((r) => r.name === "web")?.tags.map((t) => t.tag)).toContain("2");
    expect(await tagRow(page, "2").count()).toBe(1);
  }, 240_000);

  it("deletes a tag after saying the other tag on its digest goes too", async () => {
    await tagRow(page, "stable").getByRole("button", { name: "Delete tag stable" }).click();
    const dialog = page.getByRole("dialog", { name: `Delete ${team}/web:stable?` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    expect(await dialog.getByTestId("also-removed").textContent()).toMatch(/tag 1 points at the same image and goes too/);
    await shoot(page, SHOTS, "04-delete-dialog");
    await dialog.getByRole("button", { name: "Delete 2 tags" }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);
    await expect.poll(() => tagsShown(page), UI).toEqual(["2"]);
    expect((await catalog()).repositories.find((r) => r.name === "web")?.tags.map((t) => t.tag)).toEqual(["2"]);
  }, 240_000);

  // Needs POST /api/v1/teams/{team}/images/upload (another change); until it exists this fails at "upload-done".
  it("uploads a docker save tarball from the page with progress, and the new tag appears", async () => {
    const tar = path.join(tarDir, "busybox.tar");
    await promisify(execFile)("docker", ["save", "-o", tar, TEST_IMAGE_LOCAL]);
    const form = page.getByRole("form", { name: "Upload image" });
    // Dropped on the zone: a file that is no image tarball is named at once, before any byte is sent.
    const junk = await page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(2048)], "notes.tar", { type: "application/x-tar" }));
      return dt;
    });
    await form.getByTestId("upload-dropzone").dispatchEvent("drop", { dataTransfer: junk });
    await expect.poll(() => form.getByTestId("upload-dropzone").textContent(), UI).toContain("notes.tar");
    await expect.poll(() => form.getByText(/does not look like a docker save tarball/).count(), UI).toBe(1);

    await form.getByLabel("Image tarball").setInputFiles(tar);
    await expect.poll(() => form.getByTestId("upload-dropzone").textContent(), UI).toContain("busybox.tar");
    // The name docker save recorded is the suggestion.
    await expect.poll(() => form.getByLabel("Repository", { exact: true }).inputValue(), UI).toBe("test-busybox");
    expect(await form.getByLabel("Tag", { exact: true }).inputValue()).toBe("1");
    await form.getByLabel("Repository", { exact: true }).fill("uploaded");
    await form.getByLabel("Tag", { exact: true }).fill("u1");

    // A 2 MB tarball on loopback is sent in one go; at 256 KB/s the bar has seconds to show itself.
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    const seen = new Set<string>();
    try {
      await form.getByRole("button", { name: "Upload", exact: true }).click();
      await expect
        .poll(async () => {
          const now = await page.evaluate(() => {
            const bar = document.querySelector('[data-testid="upload-progress"] [role="progressbar"]');
            const phase = document.querySelector('[data-testid="upload-progress"]')?.getAttribute("data-phase");
            return phase ? `${phase}:${bar?.getAttribute("aria-valuenow") ?? ""}` : null;
          });
          if (now) seen.add(now);
          if (seen.size === 1 && now?.startsWith("uploading:")) await shoot(page, SHOTS, "05-uploading");
          return page.getByTestId("upload-done").count();
        }, { timeout: 120_000, interval: 50 })
        .toBe(1);
    } finally {
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
      await cdp.detach();
    }
    const partial = [...seen].filter((s) => /^uploading:(\d+)$/.test(s) && Number(s.split(":")[1]) > 0 && Number(s.split(":")[1]) < 100);
    expect(partial.length, `progress seen: ${[...seen].join(", ")}`).toBeGreaterThan(0);
    expect(await page.getByTestId("upload-done").textContent()).toContain(`${team}/uploaded:u1`);
    await expect.poll(() => page.getByRole("heading", { name: new RegExp(`^${team}/uploaded`) }).count(), UI).toBe(1);
    expect(await tagRow(page, "u1").getByTestId("image-digest").textContent()).toMatch(/^sha256:[0-9a-f]{12}…$/);
    expect((await catalog()).repositories.find((r) => r.name === "uploaded")?.tags.map((t) => t.tag)).toEqual(["u1"]);
    await shoot(page, SHOTS, "06-uploaded");
    await expectNoSidewaysScroll(page);
  }, 240_000);
});
