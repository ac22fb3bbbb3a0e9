import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DockerEngine } from "@/agent/docker/engine";
import type { TAppView, TSetView } from "@/lib/protocol/apps";
import { ensureTestImage, startReadyAgent, TEST_IMAGE, waitFor, type TestAgent } from "../helpers/agent";
import { adminApi, expectError, expectStatus, type Api } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
let admin: Api;
let engine: DockerEngine;
let agent: TestAgent;
let member: TTestUser;
let viewer: TTestUser;
let outsider: TTestUser;
let set: TSetView;
let teamSlug: string;

const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z) (stdout|stderr|event) (.*)$/;
// One line at boot, then nothing: a silent container.
const QUIET = ["sh", "-c", "trap 'exit 0' TERM; echo quiet ready; while :; do sleep 1; done"];
// 50 numbered lines at boot, one on stderr, then a tick on each stream every 200 ms.
const TALKER = [
  "sh", "-c",
  "trap 'exit 0' TERM; " +
  'i=1; while [ $i -le 50 ]; do echo "boot $i"; i=$((i+1)); done; echo "WARNING: disk almost full" >&2; ' +
    'i=0; while :; do i=$((i+1)); echo "tick $i"; echo "tock $i" >&2; sleep 0.2; done',
];

function logsUrl(query: string, setId = set.id, container = "talker"): string {
  return `/api/v1/sets/${setId}/containers/${container}/logs${query}`;
}

function lines(text: string): Array<{ ts: string; stream: string; text: string }> {
  return text.split("\n").filter(Boolean).map((l) => {
    const m = LINE.exec(l);
    if (!m) throw new Error(`not a log line: ${JSON.stringify(l)}`);
    return { ts: m[1], stream: m[2], text: m[3] };
  });
}

/** Reads a streamed body until `until` is true of the text so far; returns the text. */
async function readUntil(body: ReadableStream<Uint8Array>, until: (text: string) => boolean, timeoutMs = 15_000): Promise<{ text: string; ended: boolean }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  try {
    while (!until(text)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; got ${JSON.stringify(text.slice(-300))}`);
      const r = await Promise.race([reader.read(), new Promise<"timeout">((res) => setTimeout(() => res("timeout"), left))]);
      if (r === "timeout") continue;
      if (r.done) return { text, ended: true };
      text += decoder.decode(r.value, { stream: true });
    }
    return { text, ended: false };
  } finally {
    reader.releaseLock();
  }
}

function closedByConsole(): number {
  return agent.log.filter((l) => l.includes("closed by the console")).length;
}

beforeAll(async () => {
  admin = await adminApi(c);
  engine = await ensureTestImage();
  agent = await startReadyAgent(admin, c.url, "logs-a");
  const team = await makeTeam(admin, { quota: { cpu: 8, memoryMiB: 8192, diskGiB: 20, sets: 10 } });
  teamSlug = team;
  member = await makeMember(admin, team, "MEMBER");
  viewer = await makeMember(admin, team, "VIEWER");
  outsider = await makeMember(admin, await makeTeam(admin), "OWNER");
  const res = await member.api.post(`/api/v1/teams/${team}/apps`, {
    name: "chatty",
    replicas: 1,
    size: { cpu: 1, memoryMiB: 256, diskGiB: 1 },
    containers: [
      { index: 0, name: "talker", image: TEST_IMAGE, cpu: 50, memory: 50, command: TALKER },
      { index: 1, name: "quiet", image: TEST_IMAGE, cpu: 50, memory: 50, command: QUIET },
    ],
  });
  const app = expectStatus(res, 201) as TAppView;
  set = await waitFor("set Running", async () => {
    const s = (await member.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
    return s.state === "Running" ? s : null;
  }, 90_000);
  // Enough ticks that tail and since have something to cut.
  await waitFor("a few ticks logged", async () => (await member.api.get(logsUrl("?q=tick%205"))).text.includes("tick 5"), 30_000);
});

afterAll(async () => {
  await agent?.destroy(engine, admin);
});

describe("GET /api/v1/sets/{id}/containers/{name}/logs", () => {
  it("returns what the container printed, in order, with timestamps and stdout/stderr marked", async () => {
    const res = await viewer.api.get(logsUrl("?tail=10000"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const got = lines(res.text);
    // Docker copies stdout and stderr separately, so only the order within a stream is certain.
    const boot = got.filter((l) => l.text.startsWith("boot "));
    expect(boot.map((l) => `${l.stream} ${l.text}`)).toEqual(Array.from({ length: 50 }, (_, i) => `stdout boot ${i + 1}`));
    expect(got).toContainEqual(expect.objectContaining({ stream: "stderr", text: "WARNING: disk almost full" }));
    expect(got.some((l) => l.stream === "stderr" && /^tock \d+$/.test(l.text))).toBe(true);
    const times = got.filter((l) => l.stream === "stdout").map((l) => l.ts);
    expect([...times].sort()).toEqual(times);
  });

  it("tail=N gives the last N lines", async () => {
    const got = lines((await member.api.get(logsUrl("?tail=5"))).text);
    expect(got).toHaveLength(5);
    expect(got.every((l) => /^(tick|tock) \d+$/.test(l.text))).toBe(true);
    expect(lines((await member.api.get(logsUrl("?tail=0"))).text)).toHaveLength(0);
  });

  it("since drops what came before", async () => {
    // The first whole second after the boot lines: everything before it is boot, and ticks follow it.
    const bootEnd = lines((await member.api.get(logsUrl("?q=boot%2050&tail=10000"))).text)[0];
    const cut = Math.floor(Date.parse(bootEnd.ts) / 1000) + 1;
    await waitFor("ticks logged after the cut", async () => {
      const all = lines((await member.api.get(logsUrl("?tail=1"))).text);
      return Date.parse(all[0].ts) >= (cut + 1) * 1000;
    }, 15_000);
    const recent = lines((await member.api.get(logsUrl(`?since=${cut}`))).text);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.every((l) => Date.parse(l.ts) >= cut * 1000)).toBe(true);
    expect(recent.some((l) => l.text.startsWith("boot"))).toBe(false);
    expect(lines((await member.api.get(logsUrl(`?since=${Math.floor(Date.now() / 1000) + 3600}`))).text)).toHaveLength(0);
    expect(lines((await member.api.get(logsUrl("?since=1h"))).text).length).toBeGreaterThan(50);
  });

  it("q filters on the server: a plain, case-insensitive substring", async () => {
    const got = lines((await member.api.get(logsUrl("?q=warning"))).text);
    expect(got).toEqual([expect.objectContaining({ stream: "stderr", text: "WARNING: disk almost full" })]);
    expect(lines((await member.api.get(logsUrl("?q=.*"))).text)).toHaveLength(0);
    const ticks = lines((await member.api.get(logsUrl("?q=tock&tail=20"))).text);
    expect(ticks.length).toBeGreaterThan(0);
    expect(ticks.every((l) => l.stream === "stderr" && l.text.startsWith("tock"))).toBe(true);
  });

  it("follow=1 streams new lines, and the agent's Docker stream closes when the client goes away", async () => {
    const before = closedByConsole();
    const abort = new AbortController();
    const res = await fetch(new URL(logsUrl("?tail=1&follow=1"), c.url), { headers: { authorization: `Bearer ${member.token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    const first = await readUntil(res.body!, (t) => t.split("\n").filter(Boolean).length >= 5);
    const ticks = lines(first.text).map((l) => Number(l.text.split(" ")[1]));
    // New lines kept coming after the single tail line.
    expect(Math.max(...ticks)).toBeGreaterThan(Math.min(...ticks));
    abort.abort();
    await waitFor("agent closed its Docker log stream", async () => closedByConsole() > before, 10_000);
  });

  it("a download is an attachment", async () => {
    const res = await member.api.get(logsUrl("?tail=3&download=1"));
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="chatty-talker-.*\.log"$/);
    expect(lines(res.text)).toHaveLength(3);
  });

  it("refuses other teams, the infra container, missing ones, and bad queries", async () => {
    for (const res of [
      await outsider.api.get(logsUrl("?tail=1")),
      await member.api.get(logsUrl("?tail=1", set.id, "infra")),
      await member.api.get(logsUrl("?tail=1", set.id, "nope")),
      await member.api.get(logsUrl("?tail=1", "cnosuchset000000000000000")),
    ]) {
      expect(expectError(res, 404, "NOT_FOUND").message).toBe("Container not found");
    }
    expectError(await member.api.get(logsUrl("?tail=10001")), 400, "VALIDATION");
    expectError(await member.api.get(logsUrl("?q=")), 400, "VALIDATION");
    expectError(await member.api.get(logsUrl("?grep=x")), 400, "VALIDATION");
    const anon = await fetch(new URL(logsUrl("?tail=1"), c.url));
    expect(anon.status).toBe(401);
  });

  it("a viewer past the cap of open log streams gets a 429 naming it, while another team's member on the host still gets logs; closing one frees a slot", async () => {
    const cap = 16; // BERTH_STREAMS_PER_USER's default
    const aborts: AbortController[] = [];
    const follow = (token: string, setId = set.id, container = "talker") => {
      const abort = new AbortController();
      aborts.push(abort);
      return fetch(new URL(logsUrl("?tail=1&follow=1", setId, container), c.url), { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    };
    try {
      const held = await Promise.all(Array.from({ length: cap }, () => follow(viewer.token)));
      expect(held.map((r) => r.status)).toEqual(Array(cap).fill(200));
      const refused = await follow(viewer.token);
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as { error: { code: string; message: string; details?: { limit?: number } } };
      expect(body.error.code).toBe("RATE_LIMITED");
      expect(body.error.message).toContain(`${cap} log streams`);
      expect(body.error.details?.limit).toBe(cap);
      // The same user's one-off reads count too while open, but a refused one held nothing.
      expect((await viewer.api.get(logsUrl("?tail=1"))).status).toBe(429);

      // Someone else, of another team, on the same host: unaffected.
      const otherTeam = await makeTeam(admin, { quota: { cpu: 4, memoryMiB: 4096, diskGiB: 10, sets: 4 } });
      const neighbour = await makeMember(admin, otherTeam, "MEMBER");
      const app = expectStatus(
        await neighbour.api.post(`/api/v1/teams/${otherTeam}/apps`, {
          name: "quiet",
          replicas: 1,
          size: { cpu: 0.5, memoryMiB: 128, diskGiB: 1 },
          containers: [{ index: 0, name: "talker", image: TEST_IMAGE, cpu: 100, memory: 100, command: TALKER }],
        }),
        201,
      ) as TAppView;
      const theirs = await waitFor("neighbour's set Running", async () => {
        const s = (await neighbour.api.get(`/api/v1/sets/${app.sets[0].id}`)).body as TSetView;
        return s.state === "Running" ? s : null;
      }, 90_000);
      expect(theirs.host?.id).toBe(set.host?.id);
      const theirLogs = await follow(neighbour.token, theirs.id);
      expect(theirLogs.status).toBe(200);
      expect((await readUntil(theirLogs.body!, (t) => t.includes("\n"))).text).toMatch(/boot|tick|tock/);

      // Closing one of the viewer's streams gives the slot back.
      aborts[0]?.abort();
      await waitFor("a slot freed", async () => (await viewer.api.get(logsUrl("?tail=1"))).status === 200, 10_000);
    } finally {
      for (const a of aborts) a.abort();
    }
  });

  it("follow=1 answers at once for a silent container, and closes the agent's stream when the client leaves", async () => {
    const before = closedByConsole();
    const abort = new AbortController();
    const started = Date.now();
    const res = await fetch(new URL(logsUrl("?tail=0&follow=1", set.id, "quiet"), c.url), { headers: { authorization: `Bearer ${member.token}` }, signal: abort.signal });
    const headersMs = Date.now() - started;
    expect(res.status).toBe(200);
    // Docker itself sends nothing until the first line; the stream must not wait for it.
    expect(headersMs).toBeLessThan(1000);
    const quiet = await readUntil(res.body!, () => false, 1500).catch((err: Error) => err);
    expect(String(quiet)).toContain("timed out");
    abort.abort();
    await waitFor("agent closed its Docker log stream", async () => closedByConsole() > before, 10_000);
  });

  it("GET /api/v1/sets/{id}/logs merges every container of the set with a container column, in one stream that closes on disconnect", async () => {
    const got = (await viewer.api.get(`/api/v1/sets/${set.id}/logs?tail=10000`)).text.split("\n").filter(Boolean);
    const MERGED = /^(\S+) (talker|quiet) (stdout|stderr|event) (.*)$/;
    expect(got.every((l) => MERGED.test(l))).toBe(true);
    expect(got).toContainEqual(expect.stringMatching(/ quiet stdout quiet ready$/));
    expect(got).toContainEqual(expect.stringMatching(/ talker stdout boot 50$/));
    expect(got).toContainEqual(expect.stringMatching(/ talker stderr tock \d+$/));
    expect(lines((await member.api.get(`/api/v1/sets/${set.id}/logs?tail=3&q=quiet`)).text.replace(/^(\S+) quiet /gm, "$1 "))).toEqual([
      expect.objectContaining({ stream: "stdout", text: "quiet ready" }),
    ]);

    const before = closedByConsole();
    const abort = new AbortController();
    const res = await fetch(new URL(`/api/v1/sets/${set.id}/logs?tail=0&follow=1`, c.url), { headers: { authorization: `Bearer ${member.token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect((await readUntil(res.body!, (t) => / talker stdout tick \d+\n/.test(t))).ended).toBe(false);
    abort.abort();
    // One Docker stream per container, both closed.
    await waitFor("agent closed both Docker log streams", async () => closedByConsole() >= before + 2, 10_000);

    expectError(await outsider.api.get(`/api/v1/sets/${set.id}/logs?tail=1`), 404, "NOT_FOUND");
    expectError(await member.api.get(`/api/v1/sets/${set.id}/logs?tail=-1`), 400, "VALIDATION");
  });

  it("GET /api/v1/teams/{team}/apps/{app}/logs merges every set's containers with a set/container column, and closes on disconnect", async () => {
    const got = (await viewer.api.get(`/api/v1/teams/${teamSlug}/apps/chatty/logs?tail=50`)).text.split("\n").filter(Boolean);
    expect(got.length).toBeGreaterThan(0);
    const source = new RegExp(`^\\S+ ${set.name}/(talker|quiet) (stdout|stderr|event) `);
    expect(got.every((l) => source.test(l))).toBe(true);
    expect(got.some((l) => l.includes(`${set.name}/quiet stdout quiet ready`))).toBe(true);

    const before = closedByConsole();
    const abort = new AbortController();
    const res = await fetch(new URL(`/api/v1/teams/${teamSlug}/apps/chatty/logs?tail=1&follow=1`, c.url), { headers: { authorization: `Bearer ${member.token}` }, signal: abort.signal });
    expect(res.status).toBe(200);
    await readUntil(res.body!, (t) => t.includes(`${set.name}/talker stdout tick`));
    abort.abort();
    await waitFor("agent closed the app's Docker log streams", async () => closedByConsole() >= before + 2, 10_000);

    expectError(await outsider.api.get(`/api/v1/teams/${teamSlug}/apps/chatty/logs?tail=1`), 404, "NOT_FOUND");
    expectError(await member.api.get(`/api/v1/teams/${teamSlug}/apps/nope/logs?tail=1`), 404, "NOT_FOUND");
  });

  it("a followed stream survives a restart: it marks the stop and the start, then carries on after the last line shown", async () => {
    const abort = new AbortController();
    const res = await fetch(new URL(logsUrl("?tail=1&follow=1"), c.url), { headers: { authorization: `Bearer ${member.token}` }, signal: abort.signal });
    const body = res.body!;
    try {
      const first = await readUntil(body, (t) => t.includes("\n"));
      expectStatus(await member.api.post(`/api/v1/sets/${set.id}/restart`), 200);
      const rest = await readUntil(body, (t) => /event container restarted\n[\s\S]*stdout tick \d+\n/.test(t), 60_000);
      expect(rest.ended).toBe(false);
      const text = first.text + rest.text;
      const stopped = text.indexOf(" event container stopped");
      const restarted = text.indexOf(" event container restarted");
      expect(stopped).toBeGreaterThan(0);
      expect(restarted).toBeGreaterThan(stopped);
      // The container started over: its boot lines come after the restart, once, and none are repeated.
      const after = lines(text.slice(text.lastIndexOf("\n", restarted) + 1));
      expect(after.filter((l) => l.text === "boot 1")).toHaveLength(1);
      const all = lines(text);
      const ticks = all.filter((l) => l.stream === "stdout").map((l) => `${l.ts} ${l.text}`);
      expect(new Set(ticks).size).toBe(ticks.length);

      // Stopped, the follow stays open and says so.
      expectStatus(await member.api.post(`/api/v1/sets/${set.id}/stop`), 200);
      const stop = await readUntil(body, (t) => t.includes(" event container stopped"), 30_000);
      expect(stop.ended).toBe(false);
    } finally {
      abort.abort();
    }
  });
});
