import http from "node:http";
import { pack } from "tar-stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { adminApi, expectStatus } from "../helpers/api";
import { startConsole, type TConsole } from "../helpers/console";
import { makeMember, makeTeam, type TTestUser } from "../helpers/fixtures";
import { consoleRssBytes } from "../helpers/proc";

/**
 * A chunked upload (no Content-Length) that is a real tar streaming a 300 MiB layer into the
 * registry, against a console whose cap is 32 MiB: the count in the stream must stop it, and the
 * console must not hold what it was sent.
 */
const MIB = 1024 * 1024;
const CAP = 32 * MIB;
const LAYER = 300 * MIB;

let c: TConsole;
let team: string;
let member: TTestUser;

beforeAll(async () => {
  c = await startConsole({ env: { BERTH_IMAGE_UPLOAD_MAX_BYTES: String(CAP) } });
  const admin = await adminApi(c);
  team = await makeTeam(admin);
  member = await makeMember(admin, team, "MEMBER");
});

afterAll(async () => {
  await c?.stop();
});

interface TCutOff {
  status: number;
  text: string;
  sentBeforeAnswer: number;
}

/** Streams a `docker save`-shaped tar whose first layer is `LAYER` bytes, chunked, until the console answers. */
function uploadHugeLayer(pathname: string, token: string): Promise<TCutOff> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(new URL(pathname, c.url), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-tar", "transfer-encoding": "chunked" },
    });
    const archive = pack();
    req.on("response", (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        archive.destroy();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text, sentBeforeAnswer });
      });
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    archive.on("data", (data: unknown) => {
      const chunk = data as Buffer;
      sent += chunk.byteLength;
      if (!req.write(chunk)) {
        archive.pause();
        req.once("drain", () => archive.resume());
      }
    });
    archive.on("end", () => req.end());
    const layer = archive.entry({ name: `${"a".repeat(64)}/layer.tar`, size: LAYER });
    const block = Buffer.alloc(MIB, 7);
    let written = 0;
    const pump = (): void => {
      while (!answered && written < LAYER) {
        written += block.byteLength;
        if (!layer.write(block)) return void layer.once("drain", pump);
      }
      if (!answered) {
        layer.end(null);
        archive.finalize();
      }
    };
    pump();
  });
}

it("a chunked upload past BERTH_IMAGE_UPLOAD_MAX_BYTES is cut off with 413 while streaming, and the console does not keep the body", async () => {
  // Warm the route first so a first-use compile or lazy import does not count as the body's memory.
  expectStatus(await member.api.get(`/api/v1/teams/${team}/images`), 200);
  const before = consoleRssBytes(c.pid);
  expect(before).toBeGreaterThan(0);
  const res = await uploadHugeLayer(`/api/v1/teams/${team}/images/upload?repository=huge&tag=1`, member.token);
  const after = consoleRssBytes(c.pid);
  console.log(
    `[image-upload-cap] 413 after ${(res.sentBeforeAnswer / MIB).toFixed(1)} MiB of a ${LAYER / MIB} MiB layer (cap ${CAP / MIB} MiB); console RSS ${(before / MIB).toFixed(0)} → ${(after / MIB).toFixed(0)} MiB`,
  );
  expect(res.status, res.text).toBe(413);
  expect(JSON.parse(res.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE", details: { maxBytes: CAP } } });
  // The client stops at the answer; the console must answer near the cap, not after the whole body.
  expect(res.sentBeforeAnswer).toBeLessThan(LAYER);
  expect(after - before).toBeLessThan(96 * MIB);
  const repo = await member.api.get(`/api/v1/teams/${team}/images/huge`);
  expect(repo.status).toBe(404);
});
