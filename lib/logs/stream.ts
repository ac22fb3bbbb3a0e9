import { randomBytes } from "node:crypto";
import { getApp, loadSetFor } from "../apps/view";
import { requireTeam } from "../auth/authorize";
import type { TPrincipal } from "../auth/principal";
import { AppError } from "../errors";
import { sinceSeconds, STREAM_LIMITS, type TLogsQuery } from "../protocol/streams";
import { registerSink } from "../realtime/agent-streams";
import { callAgent, notifyAgent } from "../realtime/gateway";
import { setName } from "../sets/spec";
import { authorizeContainer, type TContainerTarget } from "../streams/access";
import { streamSlots } from "../streams/fair-use";

const encoder = new TextEncoder();

/** Containers one merged stream may read at once (each one is a Docker stream on its host). */
export const MAX_MERGED_CONTAINERS = 64;

/** One container feeding a log response; `source` names it in merged responses. */
interface TLogSource {
  target: Pick<TContainerTarget, "setId" | "hostId" | "container">;
  source?: string;
}

/**
 * A business container's logs as `text/plain`, one `<timestamp> <stdout|stderr|event> <text>`
 * line each (`event`: Berth's own note that the container stopped or started again). VIEWERs may
 * read them. With `follow` the body stays open across the container's restarts until the set is
 * removed, the agent drops or the client leaves, and in the last case the agent's Docker stream
 * is closed at once.
 */
export async function containerLogs(p: TPrincipal, setId: string, container: string, q: TLogsQuery, signal: AbortSignal): Promise<Response> {
  const since = parseSince(q);
  const target = await authorizeContainer(p, setId, container, "VIEWER");
  return openLogs(p, target.teamId, [{ target }], { ...q, since }, signal, `${target.appName}-${target.container}-${target.setId}`);
}

/** Every business container of a set, merged: `<timestamp> <container> <stream> <text>`. */
export async function setLogs(p: TPrincipal, setId: string, q: TLogsQuery, signal: AbortSignal): Promise<Response> {
  const since = parseSince(q);
  const set = await loadSetFor(p, setId, "VIEWER");
  if (!set.host) throw new AppError("CONFLICT", "The set is not placed on a host yet");
  const hostId = set.host.id;
  const sources = set.containers.map((c) => ({ target: { setId: set.id, hostId, container: c.name }, source: c.name }));
  return openLogs(p, set.teamId, sources, { ...q, since }, signal, setName(set.app.name, set.ordinal));
}

/** Every business container of every placed set of an app: `<timestamp> <set>/<container> <stream> <text>`. */
export async function appLogs(p: TPrincipal, team: string, app: string, q: TLogsQuery, signal: AbortSignal): Promise<Response> {
  const since = parseSince(q);
  const { team: row } = await requireTeam(p, team, "VIEWER");
  const view = await getApp(p, team, app);
  const sources: TLogSource[] = view.sets.flatMap((s) =>
    s.host ? s.containers.map((c) => ({ target: { setId: s.id, hostId: s.host!.id, container: c.name }, source: `${s.name}/${c.name}` })) : [],
  );
  if (sources.length === 0) throw new AppError("CONFLICT", "No set of this app is placed on a host yet");
  if (sources.length > MAX_MERGED_CONTAINERS) {
    throw new AppError("VALIDATION", `The app has ${sources.length} containers; merged logs read at most ${MAX_MERGED_CONTAINERS} (read a set's logs instead)`);
  }
  return openLogs(p, row.id, sources, { ...q, since }, signal, `${team}-${app}`);
}

function parseSince(q: TLogsQuery): number {
  const since = sinceSeconds(q.since);
  if (since === null) throw new AppError("VALIDATION", "since: unix seconds, a duration like 15m, or an ISO time");
  return since;
}

/** Puts `source` after each line's timestamp: `<ts> <source> <stream> <text>`. */
function tagLines(data: string, source: string): string {
  return data.replace(/^(\S+) /gm, (_, ts: string) => `${ts} ${source} `);
}

/**
 * The one body for one or several containers. The body pulls from the agents: text is
 * acknowledged only as the client takes it, so a slow reader pauses Docker instead of filling
 * the console's memory. It closes once every source ended; it cancels every source at once when
 * the client leaves.
 */
async function openLogs(
  p: TPrincipal,
  teamId: string,
  sources: TLogSource[],
  q: Omit<TLogsQuery, "since"> & { since: number },
  signal: AbortSignal,
  filename: string,
): Promise<Response> {
  // The client left while we authorized: nothing to open.
  if (signal.aborted) throw new AppError("VALIDATION", "The request was aborted");
  const merged = sources.some((s) => s.source !== undefined);
  const releaseSlot = streamSlots().acquire("logs", p.userId, teamId);

  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let done = false;
  // Acks held back while the client is behind; released as it reads.
  const held: Array<() => void> = [];
  const release = () => {
    while (held.length && (done || (controller.desiredSize ?? 0) > 0)) held.shift()?.();
  };
  const open = sources.map((s) => ({ ...s, streamId: randomBytes(16).toString("base64url"), ended: false, unregister: () => {} }));
  const finish = (how: "close" | "cancel") => {
    if (done) return;
    done = true;
    releaseSlot();
    for (const o of open) o.unregister();
    signal.removeEventListener("abort", onAbort);
    release();
    if (how === "cancel") {
      // Not sent without an agent: nothing is streaming on its side any more.
      for (const o of open) if (!o.ended) notifyAgent(o.target.hostId, "logs:close", { streamId: o.streamId });
      return;
    }
    try {
      controller.close();
    } catch (err) {
      // Already cancelled by the client between the check and now.
      console.warn(`[logs] stream ${open[0]?.streamId}: not closed cleanly: ${(err as Error).message}`);
    }
  };
  const onAbort = () => finish("cancel");
  const write = (text: string) => {
    if (!done) controller.enqueue(encoder.encode(text));
  };
  const ended = (o: (typeof open)[number], note?: string) => {
    if (o.ended) return;
    o.ended = true;
    if (note) write(merged ? `${new Date().toISOString()} ${o.source} event ${note}\n` : `# ${note}\n`);
    if (open.every((x) => x.ended)) finish("close");
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        controller = c;
        // Next sends the response headers with the first chunk: an empty one sends them now, so
        // a quiet container's follow is "connected" at once instead of pending until its first line.
        c.enqueue(new Uint8Array(0));
      },
      pull: () => release(),
      cancel: () => finish("cancel"),
    },
    { highWaterMark: STREAM_LIMITS.logsWindowBytes / 2, size: (chunk) => chunk.byteLength },
  );

  for (const o of open) {
    o.unregister = registerSink(o.streamId, {
      kind: "logs",
      hostId: o.target.hostId,
      chunk: (data, ack) => {
        if (done) return ack();
        write(o.source === undefined ? data : tagLines(data, o.source));
        held.push(ack);
        release();
      },
      end: () => ended(o),
      agentGone: () => ended(o, "the host's agent disconnected; the log stream ended"),
    });
  }
  signal.addEventListener("abort", onAbort);

  const opened = await Promise.allSettled(
    open.map((o) =>
      callAgent(o.target.hostId, "logs:open", {
        streamId: o.streamId, setId: o.target.setId, container: o.target.container, tail: q.tail, since: q.since, follow: q.follow ?? false, ...(q.q ? { q: q.q } : {}),
      }),
    ),
  );
  const failures = opened.flatMap((r, i) => (r.status === "rejected" ? [{ o: open[i], err: r.reason as unknown }] : []));
  if (failures.length === open.length) {
    finish("cancel");
    const err = failures[0].err;
    // An agent's "no such container" (e.g. not created yet) reads like the console's refusal.
    if (err instanceof AppError && err.code === "NOT_FOUND") throw new AppError("NOT_FOUND", "Container not found");
    throw err;
  }
  // A merged read shows what it could open and says which container it could not.
  for (const f of failures) ended(f.o, `not readable: ${(f.err as Error).message}`);

  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    // no-transform: the response compressor would hold followed lines back in its buffer.
    "cache-control": "no-store, no-transform",
    "x-content-type-options": "nosniff",
    "x-accel-buffering": "no",
  };
  if (q.download) headers["content-disposition"] = `attachment; filename="${filename}.log"`;
  return new Response(body, { status: 200, headers });
}
