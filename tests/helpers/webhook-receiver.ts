import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TReceived {
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: { text?: string; event?: string; alert?: { rule?: string; state?: string; team?: string | null; object?: { id?: string } } | null };
  /** What this receiver answered. */
  answered: number;
}

/**
 * A webhook receiver on loopback: records every POST and answers each with the next status of
 * `answers` (then 200). `verify` checks a recorded delivery's X-Berth-Signature against `secret`.
 */
export async function startReceiver(answers: number[] = []): Promise<{ url: string; received: TReceived[]; close(): Promise<void> }> {
  const received: TReceived[] = [];
  const queue = [...answers];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const answered = queue.shift() ?? 200;
      received.push({ at: Date.now(), headers: req.headers, body, json: JSON.parse(body) as TReceived["json"], answered });
      res.writeHead(answered, { "content-type": "text/plain" }).end(answered === 200 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Whether the delivery's X-Berth-Signature is the HMAC-SHA256 of its raw body with `secret`. */
export function signatureValid(r: TReceived, secret: string): boolean {
  const header = String(r.headers["x-berth-signature"] ?? "");
  const want = `sha256=${createHmac("sha256", secret).update(r.body).digest("hex")}`;
  return header.length === want.length && timingSafeEqual(Buffer.from(header), Buffer.from(want));
}
