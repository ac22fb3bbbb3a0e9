/**
 * The console's side of bench/metrics, in a process of its own so that receiving and parsing
 * batches is not billed to the agent: accepts one agent on /agent, asks it to watch the set ids
 * given in BENCH_SET_IDS, counts what arrives, and on SIGTERM prints one JSON line of counts.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "socket.io";
import { ZMetricsBatch } from "../lib/protocol/metrics";

const setIds = (process.env.BENCH_SET_IDS ?? "").split(",").filter(Boolean);
const counts = { batches: 0, watchBatches: 0, sweepBatches: 0, samples: 0, containers: 0, bytes: 0, invalid: 0 };

const http = createServer();
const io = new Server(http, { path: "/socket.io", maxHttpBufferSize: 50_000_000 });
io.of("/agent").on("connection", (socket) => {
  socket.on("metrics:batch", (payload: unknown) => {
    const parsed = ZMetricsBatch.safeParse(payload);
    if (!parsed.success) {
      counts.invalid++;
      return;
    }
    counts.batches++;
    if (parsed.data.kind === "watch") counts.watchBatches++;
    else counts.sweepBatches++;
    counts.samples += parsed.data.sets.length;
    for (const s of parsed.data.sets) counts.containers += s.containers.length;
    counts.bytes += JSON.stringify(payload).length;
  });
  socket.timeout(10_000).emit("metrics:watch", { setIds }, (err: Error | null) => {
    if (err) console.error("[bench console] watch not acknowledged", err.message);
  });
});
http.listen(0, "127.0.0.1", () => {
  console.log(`port ${(http.address() as AddressInfo).port}`);
});
process.on("SIGTERM", () => {
  console.log(JSON.stringify(counts));
  io.close();
  process.exit(0);
});
