import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { DockerEngine } from "@/agent/docker/engine";
import { ZHost } from "@/lib/protocol/api";
import type { TAppView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, TestAgent, waitFor } from "../helpers/agent";
import { adminApi, expectStatus, uid, type Api } from "../helpers/api";
import { makeMember, makeTeam } from "../helpers/fixtures";
import { launchBrowser } from "../helpers/browser";
import { consoleInfo } from "../helpers/context";
import { openPage, shoot, shotsDir, signedInPage, warmRoutes } from "../helpers/screens";

/**
 * Enrolling a machine from the hosts page: the admin creates a one-use token, copies the shown
 * command's token into a real agent, watches the host turn up Ready, cordons and uncordons it, then
 * drains it onto a second host while the row follows the drain.
 * Screenshots in test-results/e2e-hosts/.
 */
const c = consoleInfo();
const SHOTS = shotsDir("e2e-hosts");
const UI = { timeout: 30_000, interval: 100 };
// The page re-reads every 10 s; a new agent needs a few seconds to enroll and say hello.
const HOST = { timeout: 90_000, interval: 500 };
const NAME = uid("e2e-host");
const ZONE = "rack-e2e";

let admin: Api;
let engine: DockerEngine;
let agent: TestAgent | undefined;
let other: TestAgent | undefined;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  await warmRoutes(c.url, ["/login", "/hosts", "/api/v1/hosts/enrollment-tokens", "/api/v1/hosts/x/cordon", "/api/v1/hosts/x/uncordon"]);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await signedInPage(context, c.url, { email: c.adminEmail, password: c.adminPassword });
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await Promise.all([agent?.destroy(engine, admin), other?.destroy(engine, admin)]);
});

const row = () => page.getByRole("row").filter({ hasText: NAME });

describe("hosts in a browser", () => {
  it("creates an enrollment token shown once with the agent command", async () => {
    await openPage(page, `${c.url}/hosts`, c.mode);
    await page.getByRole("button", { name: "Add host" }).first().click();
    const dialog = page.getByRole("dialog", { name: "Add a host" });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    await dialog.getByLabel("Zone", { exact: true }).fill(ZONE);
    await dialog.getByRole("button", { name: "Create token" }).click();
    const command = dialog.getByTestId("enroll-command");
    await expect.poll(() => command.count(), UI).toBe(1);
    const token = (await dialog.getByTestId("enroll-token").textContent())?.trim() ?? "";
    expect(token.length).toBeGreaterThan(16);
    expect((await command.textContent())?.trim()).toBe(`curl -fsSL ${c.url}/api/v1/agent/install.sh | sh -s -- --token ${token} --zone ${ZONE}`);
    expect((await dialog.getByTestId("enroll-command-checkout").textContent())?.trim()).toBe(`BERTH_CONSOLE_URL=${c.url} BERTH_ENROLL_TOKEN=${token} npm run agent`);
    await shoot(page, SHOTS, "01-token-shown");

    // What an operator would do on the new machine: run the agent with that token.
    agent = new TestAgent(c.url, NAME, token, ZONE);
    agent.start();
    await dialog.getByRole("button", { name: "I have copied it" }).click();
    await expect.poll(() => dialog.isVisible(), UI).toBe(false);
    // Opening the dialog again starts over: the token is not shown a second time.
    await page.getByRole("button", { name: "Add host" }).first().click();
    expect(await dialog.getByTestId("enroll-token").count()).toBe(0);
    await dialog.getByRole("button", { name: "Cancel" }).click();
  }, 240_000);

  it("lists the enrolled host as Ready with its zone, capacity bars and agent version", async () => {
    await expect.poll(() => row().count(), HOST).toBe(1);
    await expect.poll(() => row().getByTestId("host-status").textContent(), HOST).toContain("Ready");
    expect(await row().getByText(ZONE).count()).toBe(1);
    expect(await row().getByRole("meter").count()).toBe(3);
    expect(await row().getByText(/^v\d/).count()).toBe(1);
    // The agent's first disk scan follows its first inventory; the page refreshes itself.
    await expect.poll(() => row().getByTestId("berth-disk").count(), HOST).toBe(1);
    expect(await row().getByTestId("berth-disk").textContent()).toMatch(/^layers .+ · volumes .+ · bin .+$/);
    // The agent pulled the infra image from the console's registry with its host credential at hello.
    await expect.poll(() => row().getByTestId("registry-pull").textContent(), HOST).toBe("Pulls from the registry");
    await shoot(page, SHOTS, "02-host-ready");
  }, 240_000);

  it("cordons and uncordons the host", async () => {
    const hostId = await waitFor("agent identity", async () => agent?.hostId());
    await row().getByRole("button", { name: `Cordon ${NAME}` }).click();
    await expect.poll(() => row().getByTestId("host-status").textContent(), UI).toContain("Cordoned");
    const hosts = ZHost.array().parse((await admin.get("/api/v1/hosts")).body);
    expect(hosts.find((h) => h.id === hostId)?.cordoned).toBe(true);
    await shoot(page, SHOTS, "03-cordoned");
    await row().getByRole("button", { name: `Uncordon ${NAME}` }).click();
    await expect.poll(() => row().getByTestId("host-status").textContent(), UI).toContain("Ready");
    const after = ZHost.array().parse((await admin.get("/api/v1/hosts")).body);
    expect(after.find((h) => h.id === hostId)?.cordoned).toBe(false);
  }, 240_000);

  it("drains the host from its row: the row follows the moves, and the sets run on the other host", async () => {
    const hostId = agent!.hostId()!;
    other = await startReadyAgent(admin, c.url, uid("e2e-other"), ZONE);
    const team = await makeTeam(admin, { quota: { cpu: 2, memoryMiB: 1024, diskGiB: 4, sets: 4 } });
    const member = (await makeMember(admin, team, "MEMBER")).api;
    expectStatus(
      await member.post(`/api/v1/teams/${team}/apps`, {
        name: "moving",
        replicas: 2,
        size: { cpu: 0.25, memoryMiB: 64, diskGiB: 1 },
        containers: [{ index: 0, name: "app", image: TEST_IMAGE, cpu: 100, memory: 100, command: ["httpd", "-f", "-p", "8080"] }],
      }),
      201,
    );
    const app = async () => expectStatus(await member.get(`/api/v1/teams/${team}/apps/moving`), 200) as TAppView;
    // Spread: one set on each host.
    await waitFor("one set Running on each host", async () => {
      const v = await app();
      return v.sets.every((x) => x.state === "Running") && new Set(v.sets.map((x) => x.host?.id)).size === 2;
    }, 120_000, 500);

    await openPage(page, `${c.url}/hosts`, c.mode);
    await row().getByRole("button", { name: `Drain ${NAME}` }).click();
    const dialog = page.getByRole("dialog", { name: `Drain host ${NAME}?` });
    await expect.poll(() => dialog.isVisible(), UI).toBe(true);
    expect(await dialog.getByText(/holds data moves with it/).count()).toBe(1);
    await dialog.getByRole("button", { name: "Drain host" }).click();
    await expect.poll(() => row().getByTestId("drain-status").getAttribute("data-status"), HOST).toBe("Succeeded");
    expect(await row().getByTestId("drain-status").textContent()).toBe("Drained: 1 of 1 sets moved");
    await expect.poll(() => row().getByTestId("host-status").textContent(), UI).toContain("Cordoned");
    expect(await row().getByRole("button", { name: `Drain ${NAME}` }).getAttribute("aria-disabled")).toBeNull();
    await shoot(page, SHOTS, "04-drained");

    const v = await app();
    expect(v.sets.map((x) => [x.host?.id, x.state])).toEqual([
      [other.hostId(), "Running"],
      [other.hostId(), "Running"],
    ]);
    expect(v.sets.some((x) => x.host?.id === hostId)).toBe(false);
    expect(await engine.listByLabels({ "berth.host": hostId })).toEqual([]);
    // After a reload the row still says how the last drain ended (the server lists it).
    await openPage(page, `${c.url}/hosts`, c.mode);
    await expect.poll(() => row().getByTestId("drain-status").textContent(), UI).toBe("Drained: 1 of 1 sets moved");

    // The other host goes silent: its row says what will happen to its sets, and when.
    const otherRow = () => page.getByRole("row").filter({ hasText: other!.name });
    await other.kill("SIGKILL");
    await expect
      .poll(async () => {
        await openPage(page, `${c.url}/hosts`, c.mode);
        return otherRow().getByTestId("reschedule-note").count();
      }, HOST)
      .toBe(1);
    expect(await otherRow().getByTestId("host-status").textContent()).toContain("Unreachable");
    expect(await otherRow().getByTestId("reschedule-note").textContent()).toMatch(/^2 sets move to other hosts .+ unless it returns$/);
    await shoot(page, SHOTS, "05-unreachable");
    other.start();
    await waitFor("the other host Ready again", async () => {
      const hosts = ZHost.array().parse((await admin.get("/api/v1/hosts")).body);
      return hosts.find((h) => h.id === other!.hostId())?.status === "Ready";
    }, 60_000, 500);
    await member.delete(`/api/v1/teams/${team}/apps/moving`);
  }, 300_000);
});
