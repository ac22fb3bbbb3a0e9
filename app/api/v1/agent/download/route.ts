import fs from "node:fs";
import { Readable } from "node:stream";
import { requireAgentBundle } from "@/lib/hosts/agent-bundle";
import { publicRoute } from "@/lib/http/route";

/** The agent as one file; public, like any release download. The checksum lets a host verify it. */
export const GET = publicRoute({}, async () => {
  const bundle = requireAgentBundle();
  const stream = Readable.toWeb(fs.createReadStream(bundle.file)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      "Content-Type": "application/javascript; charset=utf-8",
      "Content-Length": String(bundle.bytes),
      "Content-Disposition": 'attachment; filename="berth-agent.cjs"',
      "X-Berth-Agent-Version": bundle.version,
      "X-Checksum-Sha256": bundle.sha256,
      "Cache-Control": "no-cache",
    },
  });
});
