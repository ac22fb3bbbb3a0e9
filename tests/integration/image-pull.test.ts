import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { pack } from "tar-stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import { findStaticBusybox } from "@/lib/images/busybox";
import type { THost } from "@/lib/protocol/api";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { agentOnSecondEngine, type SecondEngine } from "../helpers/engine2";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { DockerCli } from "../helpers/registry";

/**
 * A fresh host needs nothing but Docker: it pulls the infra image from the console's registry
 * (library/berth-infra) with its host credential, and the Hosts page says it can pull. Placed
 * sets' images are pulled once per host, started before the apply, with progress on the sets.
 */
const c = consoleInfo();
const BIG_LOCAL = "berth/test-big:1";
const BIG_MB = 128;
let admin: Api;
let member: TTestUser;
let team: string;
let engine2: SecondEngine;
let agent: TestAgent;
let pusher: DockerCli;

async function host(): Promise<THost> {
  const hosts = expectStatus(await admin.get("/api/v1/hosts"), 200) as THost[];
  return hosts.find((h) => h.id === agent.hostId())!;
}

/** BusyBox plus one incompressible file: a pull that takes long enough to be seen. */
async function importBigImage(engine: DockerEngine): Promise<void> {
  if (await engine.hasImage(BIG_LOCAL)) return;
  const tar = pack();
  const busybox = fs.readFileSync(findStaticBusybox());
  tar.entry({ name: "bin", type: "directory", mode: 0o755 });
  tar.entry({ name: "bin/busybox", mode: 0o755, size: busybox.length }, busybox);
  for (const applet of ["sh", "sleep"]) tar.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  tar.entry({ name: "blob", mode: 0o644, size: BIG_MB << 20 }, randomBytes(BIG_MB << 20));
  tar.finalize();
  const stream = await engine.docker.importImage(tar as unknown as NodeJS.ReadableStream, { repo: "berth/test-big", tag: "1" } as object);
  await new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
}

/** How many times engine2 pulled `ref` since `since` (Docker's own image events). */
async function pullsOf(engine: DockerEngine, ref: string, since: number): Promise<number> {
  const raw = await engine.docker.getEvents({ since: Math.floor(since / 1000), until: Math.ceil(Date.now() / 1000) + 1, filters: { type: ["image"], event: ["pull"] } });
  // With `until` Docker ends the stream after the events so far.
  const chunks: Buffer[] = [];
  for await (const chunk of raw as NodeJS.ReadableStream) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString();
  return text
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id?: string })
    .filter((e) => e.id === ref).length;
}

beforeAll(async () => {
  admin = await adminApi(c);
  const local = await ensureTestImage();
  await importBigImage(local);
  team = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 2048, diskGiB: 8, sets: 6 } });
  member = await makeMember(admin, team, "MEMBER");
  pusher = new DockerCli();
  const login = await pusher.login(c.registry, member.email, member.token);
  if (login.code !== 0) throw new Error(login.stderr);
  await pusher.push(BIG_LOCAL, `${c.registry}/${team}/big:1`);
  // No infra image on the new engine, and no BusyBox to build one: only the registry can provide it.
  ({ engine2, agent } = await agentOnSecondEngine(admin, c.url, "fresh", {
    BERTH_INFRA_IMAGE: "berth/infra-fresh:1",
    BERTH_BUSYBOX_PATH: "/nonexistent/busybox",
  }));
}, 300_000);

afterAll(async () => {
  await member?.api.delete(`/api/v1/teams/${team}/apps/big`);
  if (agent) await agent.destroy(engine2.engine(), admin);
  await engine2?.destroy();
  pusher?.destroy();
});

it("a host without the infra image and without BusyBox pulls it from library/berth-infra, and the Hosts page says it can pull", async () => {
  const h = await waitFor("registry pull checked", async () => {
    const x = await host();
    return x.registryPull ? x : null;
  }, 30_000, 300);
  expect(h.registryPull).toMatchObject({ ok: true, error: null });
  expect(h.statusReason).toBeNull();
  const info = await engine2.engine().docker.getImage("berth/infra-fresh:1").inspect();
  expect(info.RepoDigests.some((d) => d.startsWith(`${c.registry}/library/berth-infra@sha256:`))).toBe(true);
});

it("a scale-out onto a host without the image pulls it once, shows Pulling progress on the waiting sets, and a set already there by digest pulls nothing", async () => {
  const since = Date.now();
  const body = {
    name: "big",
    replicas: 2,
    size: { cpu: 0.25, memoryMiB: 64, diskGiB: 0 },
    containers: [{ index: 0, name: "app", image: `${team}/big:1`, cpu: 100, memory: 100, command: ["sleep", "1000000"] }],
  };
  expectStatus(await member.api.post(`/api/v1/teams/${team}/apps`, body), 201);
  const reasons = new Set<string>();
  const app = await waitFor("2 sets Running", async () => {
    const v = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/big`), 200) as TAppView;
    for (const s of v.sets) if (s.reason) reasons.add(s.reason);
    return v.sets.length === 2 && v.sets.every((s) => s.state === "Running") ? v : null;
  }, 120_000, 50);
  const set = expectStatus(await member.api.get(`/api/v1/sets/${app.sets[0]!.id}`), 200) as TSetView;
  const pinned = `${c.registry}/${team}/big@${set.containers[0]!.imageDigest}`;
  const pulling = [...reasons].filter((r) => r.startsWith(`Pulling ${team}/big:1`));
  expect(pulling.length, `reasons seen: ${[...reasons].join(" | ")}`).toBeGreaterThan(0);
  expect(pulling.some((r) => /: [\d.]+ MB of [\d.]+ MB \(\d+ %\)$/.test(r)), `reasons seen: ${[...reasons].join(" | ")}`).toBe(true);
  expect(await pullsOf(engine2.engine(), pinned, since)).toBe(1);

  expectStatus(await member.api.patch(`/api/v1/teams/${team}/apps/big`, { replicas: 3 }), 200);
  await waitFor("3 sets Running", async () => {
    const v = expectStatus(await member.api.get(`/api/v1/teams/${team}/apps/big`), 200) as TAppView;
    return v.sets.length === 3 && v.sets.every((s) => s.state === "Running");
  }, 60_000, 300);
  expect(await pullsOf(engine2.engine(), pinned, since)).toBe(1);
}, 240_000);
