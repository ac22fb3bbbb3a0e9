import { randomBytes } from "node:crypto";
import type { TPrincipal } from "../auth/principal";
import { AppError } from "../errors";
import { sinceSeconds, STREAM_LIMITS, type TLogsQuery } from "../protocol/streams";
import { registerSink } from "../realtime/agent-streams";
import { callAgent, notifyAgent } from "../realtime/gateway";
import { authorizeContainer } from "../streams/access";
import { streamSlots } from "../streams/fair-use";

const encoder = new TextEncoder();

/**
 * A business container's logs as `text/plain`, one `<timestamp> <stdout|stderr> <text>` line
 * each. VIEWERs may read them. The body is a stream: with `follow` it stays open until the
 * container stops, the agent drops or the client leaves, and in the last case the agent's Docker
 * stream is closed at once. The body pulls from the agent: text is acknowledged only as the
 * client takes it, so a slow reader pauses Docker instead of filling the console's memory.
 */
export async function containerLogs(p: TPrincipal, setId: string, container: string, q: TLogsQuery, signal: AbortSignal): Promise<Response> {
  const since = sinceSeconds(q.since);
  if (since === null) throw new AppError("VALIDATION", "since: unix seconds, a duration like 15m, or an ISO time");
  const target = await authorizeContainer(p, setId, container, "VIEWER");
  // The client left while we authorized: nothing to open.
  if (signal.aborted) throw new AppError("VALIDATION", "The request was aborted");
  const streamId = randomBytes(16).toString("base64url");
  const releaseSlot = streamSlots().acquire("logs", p.userId, target.teamId);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  // Acks held back while the client is behind; released as it reads.
  const held: Array<() => void> = [];
  const release = () => {
    while (held.length && (done || (controller.desiredSize ?? 0) > 0)) held.shift()?.();
  };
  const finish = (how: "close" | "cancel", note?: string) => {
    if (done) return;
    done = true;
    releaseSlot();
    unregister();
    signal.removeEventListener("abort", onAbort);
    release();
    if (how === "cancel") {
      // Not sent without an agent: nothing is streaming on its side any more.
      notifyAgent(target.hostId, "logs:close", { streamId });
      return;
    }
    try {
      if (note) controller.enqueue(encoder.encode(note));
      controller.close();
    } catch (err) {
      // Already cancelled by the client between the check and now.
      console.warn(`[logs] stream ${streamId}: not closed cleanly: ${(err as Error).message}`);
    }
  };
  const onAbort = () => finish("cancel");

  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
      },
      pull: () => release(),
      cancel: () => finish("cancel"),
    },
    { highWaterMark: STREAM_LIMITS.logsWindowBytes / 2, size: (chunk) => chunk.byteLength },
  );

  const unregister = registerSink(streamId, {
    kind: "logs",
    hostId: target.hostId,
    chunk: (data, ack) => {
      if (done) return ack();
      controller.enqueue(encoder.encode(data));
      held.push(ack);
      release();
    },
    end: () => finish("close"),
    agentGone: () => finish("close", "# the host's agent disconnected; the log stream ended\n"),
  });
  signal.addEventListener("abort", onAbort);

  try {
    await callAgent(target.hostId, "logs:open", {
      streamId, setId: target.setId, container: target.container, tail: q.tail, since, follow: q.follow ?? false, ...(q.q ? { q: q.q } : {}),
    });
  } catch (err) {
    finish("cancel");
    // An agent's "no such container" (e.g. not created yet) reads like the console's refusal.
    if (err instanceof AppError && err.code === "NOT_FOUND") throw new AppError("NOT_FOUND", "Container not found");
    throw err;
  }

  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    // no-transform: the response compressor would hold followed lines back in its buffer.
    "cache-control": "no-store, no-transform",
    "x-content-type-options": "nosniff",
    "x-accel-buffering": "no",
  };
  if (q.download) headers["content-disposition"] = `attachment; filename="${target.appName}-${target.container}-${target.setId}.log"`;
  return new Response(body, { status: 200, headers });
}
