import { io, type Socket } from "socket.io-client";
import type { TAck } from "@/lib/protocol/events";

export interface TExit {
  sessionId: string;
  code: number | null;
  reason: string;
}

/**
 * A `/ui` client speaking the terminal events as the browser does: output is acknowledged after
 * it was "consumed" (at once, unless `holdAcks` is set to play a slow reader).
 */
export class TermClient {
  readonly exits: TExit[] = [];
  /** Output per session, as text. */
  private readonly out = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  /** When true, acks are queued in `held` instead of sent: the browser is not reading. */
  holdAcks = false;
  readonly held: Array<() => void> = [];
  received = 0;
  /** Sessions whose open ack has arrived; output for any other session is counted as early. */
  private readonly known = new Set<string>();
  /** Output chunks that arrived before their session's open ack (the browser would drop them). */
  earlyOutput = 0;
  /** Called for every output chunk with its arrival time (for the bench). */
  onOutput?: (data: Buffer, at: number) => void;

  private constructor(readonly socket: Socket) {
    socket.on("terminal:output", (p: { sessionId: string; data: ArrayBuffer | Buffer | string }, ack?: () => void) => {
      const at = performance.now();
      if (!this.known.has(p.sessionId)) this.earlyOutput++;
      const buf = typeof p.data === "string" ? Buffer.from(p.data) : Buffer.from(p.data as ArrayBuffer);
      this.received += buf.length;
      this.onOutput?.(buf, at);
      this.out.set(p.sessionId, (this.out.get(p.sessionId) ?? "") + buf.toString("utf8"));
      if (typeof ack === "function") {
        if (this.holdAcks) this.held.push(ack);
        else ack();
      }
      this.wake();
    });
    socket.on("terminal:exit", (e: TExit) => {
      this.exits.push(e);
      this.wake();
    });
  }

  static connect(url: string, token: string): Promise<TermClient> {
    const socket = io(`${url}/ui`, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false, timeout: 10_000 });
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(new TermClient(socket)));
      socket.once("connect_error", reject);
    });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  open(setId: string, container: string, cols = 80, rows = 24): Promise<TAck<{ sessionId: string }>> {
    return new Promise((resolve, reject) => {
      // The callback form runs in packet order, before any output that follows the ack.
      this.socket.timeout(30_000).emit("terminal:open", { setId, container, cols, rows }, (err: Error | null, ack: TAck<{ sessionId: string }>) => {
        if (err) return reject(err);
        if (ack.ok) this.known.add(ack.data.sessionId);
        resolve(ack);
      });
    });
  }

  async openOk(setId: string, container: string, cols = 80, rows = 24): Promise<string> {
    const ack = await this.open(setId, container, cols, rows);
    if (!ack.ok) throw new Error(`terminal:open refused: ${ack.error.code} ${ack.error.message}`);
    return ack.data.sessionId;
  }

  send(sessionId: string, data: string | Uint8Array): void {
    this.socket.emit("terminal:input", { sessionId, data });
  }

  resize(sessionId: string, cols: number, rows: number): void {
    this.socket.emit("terminal:resize", { sessionId, cols, rows });
  }

  close(sessionId: string): void {
    this.socket.emit("terminal:close", { sessionId });
  }

  output(sessionId: string): string {
    return this.out.get(sessionId) ?? "";
  }

  releaseAcks(): void {
    this.holdAcks = false;
    while (this.held.length) this.held.shift()?.();
  }

  /** Resolves when `test` passes on the session's output (checked on every arrival). */
  until<T>(what: string, test: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = test();
        if (!v) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(v);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Waits until the session's output (from `from` on) matches `re`; returns the match. */
  expectOutput(sessionId: string, re: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpExecArray> {
    return this.until(`${re} in the output of ${sessionId}`, () => re.exec(this.output(sessionId).slice(from)), timeoutMs).catch((err: Error) => {
      throw new Error(`${err.message}; output so far: ${JSON.stringify(this.output(sessionId).slice(-500))}`);
    });
  }

  exitOf(sessionId: string, timeoutMs = 15_000): Promise<TExit> {
    return this.until(`exit of ${sessionId}`, () => this.exits.find((e) => e.sessionId === sessionId), timeoutMs);
  }

  disconnect(): void {
    this.socket.disconnect();
  }
}
