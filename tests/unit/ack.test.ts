import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type Socket as ServerSocket } from "socket.io";
import { io, type Socket as ClientSocket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { handlersOf, toAck, type TAckFn } from "@/lib/protocol/ack";
import { agentError } from "@/lib/realtime/gateway";

/** The event map of this test's server: two commands, a query and a notification. */
interface TTestEvents {
  double: (payload: unknown, ack: TAckFn<{ twice: number }>) => void;
  explode: (payload: unknown, ack: TAckFn<null>) => void;
  ping: (ack: TAckFn<string>) => void;
  note: (payload: unknown) => void;
}

const ZNumber = z.strictObject({ n: z.number().int() });

let http: HttpServer;
let server: Server;
let client: ClientSocket;
const notes: number[] = [];
const invalid: string[] = [];
let unexpected: unknown[] = [];

beforeAll(async () => {
  http = createServer();
  server = new Server(http);
  server.on("connection", (socket: ServerSocket) => {
    const on = handlersOf<TTestEvents>(socket, {
      unexpected: (err) => {
        unexpected.push(err);
        return { code: "INTERNAL", message: "Internal error" };
      },
      onInvalid: (event) => invalid.push(event),
    });
    on.command("double", ZNumber, ({ n }) => ({ twice: n * 2 }));
    on.command("explode", ZNumber, async ({ n }) => {
      if (n === 1) throw new AppError("NOT_FOUND", "Set not found");
      if (n === 2) throw new Error("secret database detail");
      throw Object.assign(new Error("ENOENT: a node error with a code"), { code: "ENOENT" });
    });
    on.query("ping", () => "pong");
    on.notification("note", ZNumber, ({ n }) => notes.push(n));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ["websocket"] });
  await new Promise<void>((resolve) => client.on("connect", () => resolve()));
});

afterAll(async () => {
  client.close();
  await server.close();
});

describe("handlersOf on a real Socket.IO connection", () => {
  it("answers a valid command with its data", async () => {
    expect(await client.emitWithAck("double", { n: 21 })).toEqual({ ok: true, data: { twice: 42 } });
  });

  it("answers an invalid payload VALIDATION without running the handler", async () => {
    const reply = await client.emitWithAck("double", { n: "x", extra: 1 });
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe("VALIDATION");
    expect(reply.error.message).toMatch(/n/);
    expect(invalid).toContain("double");
  });

  it("passes an exposed error's code and message; hides anything else as INTERNAL", async () => {
    unexpected = [];
    expect(await client.emitWithAck("explode", { n: 1 })).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "Set not found" } });
    expect(await client.emitWithAck("explode", { n: 2 })).toEqual({ ok: false, error: { code: "INTERNAL", message: "Internal error" } });
    // A code on a plain error (Node's ENOENT) is not an answer for the other side.
    expect(await client.emitWithAck("explode", { n: 3 })).toEqual({ ok: false, error: { code: "INTERNAL", message: "Internal error" } });
    expect(unexpected).toHaveLength(2);
  });

  it("answers a query without payload", async () => {
    expect(await client.emitWithAck("ping")).toEqual({ ok: true, data: "pong" });
  });

  it("hands valid notifications on and drops invalid ones", async () => {
    client.emit("note", { n: 7 });
    client.emit("note", { n: "seven" });
    client.emit("note", { n: 8 });
    await new Promise((r) => setTimeout(r, 100));
    expect(notes).toEqual([7, 8]);
    expect(invalid).toContain("note");
  });
});

describe("agent error codes", () => {
  it("map to the console's codes in one table; unknown codes are INTERNAL and 503", () => {
    expect(agentError("NOT_FOUND", "no such set").status).toBe(404);
    expect(agentError("NOT_RUNNING", "stopped").status).toBe(409);
    expect(agentError("LIMIT", "too many").status).toBe(429);
    expect(agentError("VALIDATION", "bad").status).toBe(400);
    expect(agentError("DOCKER", "engine said no").status).toBe(503);
    const unknown = agentError("SOMETHING_NEW", "?");
    expect(unknown.status).toBe(503);
    expect(unknown.details).toEqual({ agentCode: "INTERNAL" });
  });

  it("an AppError made by another copy of the module is still recognised (symbol, not instanceof)", () => {
    const foreign = Object.assign(new Error("Host not found"), { code: "NOT_FOUND", [Symbol.for("berth.ack-exposed")]: true });
    expect(toAck(foreign)).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "Host not found" } });
  });
});
