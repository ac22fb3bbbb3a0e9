import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { TAck, TWhoAmI } from "@/lib/protocol/events";
import { PROTOCOL_VERSION } from "@/lib/protocol/events";
import { adminApi, createToken, expectStatus, sessionLogin } from "../helpers/api";
import { consoleInfo } from "../helpers/context";
import { sql } from "../helpers/db";
import { insertHost, makeMember, makeTeam, revokeInsertedHosts, type TTestUser } from "../helpers/fixtures";

const c = consoleInfo();
const open: Socket[] = [];

interface TConnectOptions {
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Called before connecting, to attach listeners for events sent right on connection. */
  onCreate?: (socket: Socket) => void;
}

/** Connects (websocket only, no retries); resolves on `connect`, rejects with the connect_error. */
function connect(namespace: "/ui" | "/agent", opts: TConnectOptions = {}): Promise<Socket> {
  const socket = io(`${c.url}${namespace}`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
    auth: opts.auth ?? {},
    extraHeaders: opts.headers ?? {},
  });
  open.push(socket);
  opts.onCreate?.(socket);
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err: Error & { data?: unknown }) => reject(err));
  });
}

function emitAck<T>(socket: Socket, event: string, ...args: unknown[]): Promise<TAck<T>> {
  return socket.timeout(10_000).emitWithAck(event, ...args) as Promise<TAck<T>>;
}

async function refusal(p: Promise<Socket>): Promise<{ message: string; code: unknown }> {
  const err = await p.then(
    () => {
      throw new Error("the handshake was accepted");
    },
    (e: Error & { data?: { code?: unknown } }) => e,
  );
  return { message: err.message, code: err.data?.code };
}

afterEach(() => {
  while (open.length) open.pop()?.disconnect();
});

afterAll(() => revokeInsertedHosts(c.databaseUrl));

describe("Socket.IO /ui", () => {
  let user: TTestUser;
  let cookie: string;

  beforeAll(async () => {
    const admin = await adminApi(c);
    user = await makeMember(admin, await makeTeam(admin), "MEMBER");
    cookie = await sessionLogin(c.url, user.email, user.password);
  });

  it("a valid token connects and whoami acks with the caller", async () => {
    const socket = await connect("/ui", { auth: { token: user.token } });
    const ack = await emitAck<TWhoAmI>(socket, "whoami");
    expect(ack).toEqual({ ok: true, data: { userId: user.id, email: user.email, isAdmin: false } });
  });

  it("events past the per-socket rate are answered RATE_LIMITED, and the connection recovers", async () => {
    const socket = await connect("/ui", { auth: { token: user.token } });
    // 20 a second on average, bursts of 100 (BERTH_UI_EVENTS_PER_SECOND's default): 300 at once overflow it.
    const acks = await Promise.all(Array.from({ length: 300 }, () => emitAck<TWhoAmI>(socket, "whoami")));
    const refused = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(100);
    expect(refused.length).toBeGreaterThan(100);
    expect(refused[0]).toMatchObject({ ok: false, error: { code: "RATE_LIMITED", message: expect.stringContaining("BERTH_UI_EVENTS_PER_SECOND") } });
    // Another connection has its own budget; this one refills within a second.
    const other = await connect("/ui", { auth: { token: user.token } });
    expect(await emitAck<TWhoAmI>(other, "whoami")).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await emitAck<TWhoAmI>(socket, "whoami")).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
  });

  it("a valid token with our own Origin connects", async () => {
    const socket = await connect("/ui", { auth: { token: user.token }, headers: { origin: c.url } });
    expect(socket.connected).toBe(true);
  });

  it("a session cookie with our Origin connects as that user", async () => {
    const socket = await connect("/ui", { headers: { cookie, origin: c.url } });
    const ack = await emitAck<TWhoAmI>(socket, "whoami");
    expect(ack).toMatchObject({ ok: true, data: { userId: user.id } });
  });

  it("no credentials → connect_error UNAUTHENTICATED", async () => {
    expect(await refusal(connect("/ui"))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await refusal(connect("/ui", { headers: { origin: c.url } }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("an unknown or revoked token is refused", async () => {
    expect(await refusal(connect("/ui", { auth: { token: "berth_nope" } }))).toMatchObject({ code: "UNAUTHENTICATED" });
    const t = await createToken(c.url, user.email, user.password);
    expectStatus(await user.api.delete(`/api/v1/auth/tokens/${t.id}`), 200);
    expect(await refusal(connect("/ui", { auth: { token: t.token } }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  it("a valid cookie with a foreign Origin is refused (cross-site WebSocket hijacking)", async () => {
    expect(await refusal(connect("/ui", { headers: { cookie, origin: "http://evil.example" } }))).toMatchObject({ code: "BAD_ORIGIN" });
  });

  it("a valid cookie without any Origin is refused", async () => {
    expect(await refusal(connect("/ui", { headers: { cookie } }))).toMatchObject({ code: "BAD_ORIGIN" });
  });

  it("a valid token with a foreign Origin is refused", async () => {
    const r = await refusal(connect("/ui", { auth: { token: user.token }, headers: { origin: "http://evil.example" } }));
    expect(r).toMatchObject({ code: "BAD_ORIGIN" });
  });

  it("a disabled user's token is refused", async () => {
    const admin = await adminApi(c);
    const victim = await makeMember(admin, await makeTeam(admin), "VIEWER");
    await connect("/ui", { auth: { token: victim.token } });
    expectStatus(await admin.patch(`/api/v1/users/${victim.id}`, { disabled: true }), 200);
    expect(await refusal(connect("/ui", { auth: { token: victim.token } }))).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("Socket.IO /agent", () => {
  it("a bad credential, a missing one, or a user token is refused", async () => {
    const bad = await refusal(connect("/agent", { auth: { protocolVersion: PROTOCOL_VERSION, credential: "x".repeat(32) } }));
    expect(bad.code).toBe("UNAUTHENTICATED");
    expect((await refusal(connect("/agent"))).code).toBe("UNAUTHENTICATED");
    const admin = await adminApi(c);
    const userToken = admin.auth.token ?? "";
    expect((await refusal(connect("/agent", { auth: { protocolVersion: PROTOCOL_VERSION, credential: userToken } }))).code).toBe("UNAUTHENTICATED");
  });

  it("a host credential connects, gets hello, and a heartbeat marks the host Ready", async () => {
    const host = await insertHost(c.databaseUrl, { status: "Unreachable" });
    let hello: Promise<unknown> | undefined;
    const socket = await connect("/agent", {
      auth: { protocolVersion: PROTOCOL_VERSION, credential: host.credential },
      onCreate: (s) => {
        hello = new Promise((resolve) => s.once("hello", resolve));
      },
    });
    const greeting = (await hello) as { hostId: string; name: string; registry: string | null; infraImage?: string | null };
    expect(greeting).toMatchObject({ hostId: host.id, name: host.name, registry: c.registry });
    // The console publishes its infra image shortly after it starts; before that the agent builds its own.
    if (greeting.infraImage != null) expect(greeting.infraImage).toMatch(new RegExp(`^${c.registry}/library/berth-infra@sha256:[0-9a-f]{64}$`));
    const ack = await emitAck<{ hostId: string }>(socket, "heartbeat", {
      capacity: { cpuCores: 4, memoryBytes: 8 * 2 ** 30, diskFreeBytes: 10 ** 11, volumeFreeBytes: 5 * 10 ** 10 },
      labels: { room: "r1" },
      agentVersion: "9.9.9",
    });
    expect(ack).toEqual({ ok: true, data: { hostId: host.id } });
    const rows = await sql<{ status: string; cpuCores: number; agentVersion: string; labels: unknown }>(
      c.databaseUrl,
      `SELECT status::text AS status, "cpuCores", "agentVersion", labels FROM "Host" WHERE id = $1`,
      [host.id],
    );
    expect(rows[0]).toEqual({ status: "Ready", cpuCores: 4, agentVersion: "9.9.9", labels: { room: "r1" } });
    const invalid = await emitAck(socket, "heartbeat", { capacity: { cpuCores: -1 } });
    expect(invalid).toMatchObject({ ok: false, error: { code: "VALIDATION" } });
  });

  it("a revoked host, a wrong protocol version and a foreign Origin are refused", async () => {
    const host = await insertHost(c.databaseUrl);
    const auth = { protocolVersion: PROTOCOL_VERSION, credential: host.credential };
    expect((await refusal(connect("/agent", { auth: { ...auth, protocolVersion: PROTOCOL_VERSION + 1 } }))).code).toBe("CONFLICT");
    expect((await refusal(connect("/agent", { auth, headers: { origin: "http://evil.example" } }))).code).toBe("BAD_ORIGIN");
    await sql(c.databaseUrl, `UPDATE "Host" SET "revokedAt" = now() WHERE id = $1`, [host.id]);
    expect((await refusal(connect("/agent", { auth }))).code).toBe("UNAUTHENTICATED");
  });
});
