import { settings } from "../env";
import { AppError } from "../errors";

export type TStreamKind = "logs" | "terminal" | "metrics";

const WHAT: Record<TStreamKind, string> = { logs: "log streams", terminal: "terminal sessions", metrics: "live metrics subscriptions" };

/**
 * Open live streams per user and per team, each kind counted apart. A host serves a few hundred
 * streams of each kind for everyone; these caps, well below that, keep one user (or one team)
 * from taking every slot. Counts live in this console process.
 */
export class StreamSlots {
  constructor(
    private readonly caps: () => { perUser: number; perTeam: number },
    private readonly open = new Map<string, number>(),
  ) {}

  /** Takes a slot or throws RATE_LIMITED naming the cap; the returned release is idempotent. */
  acquire(kind: TStreamKind, userId: string, teamId: string): () => void {
    const { perUser, perTeam } = this.caps();
    const userKey = `${kind}:user:${userId}`;
    const teamKey = `${kind}:team:${teamId}`;
    if ((this.open.get(userKey) ?? 0) >= perUser) {
      throw new AppError("RATE_LIMITED", `You have ${perUser} ${WHAT[kind]} open, the most one user may (BERTH_STREAMS_PER_USER); close one first`, {
        cap: "user",
        limit: perUser,
        kind,
      });
    }
    if ((this.open.get(teamKey) ?? 0) >= perTeam) {
      throw new AppError("RATE_LIMITED", `Your team has ${perTeam} ${WHAT[kind]} open, the most one team may (BERTH_STREAMS_PER_TEAM); close one first`, {
        cap: "team",
        limit: perTeam,
        kind,
      });
    }
    this.bump(userKey, 1);
    this.bump(teamKey, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.bump(userKey, -1);
      this.bump(teamKey, -1);
    };
  }

  count(kind: TStreamKind, scope: "user" | "team", id: string): number {
    return this.open.get(`${kind}:${scope}:${id}`) ?? 0;
  }

  private bump(key: string, by: number): void {
    const next = (this.open.get(key) ?? 0) + by;
    if (next <= 0) this.open.delete(key);
    else this.open.set(key, next);
  }
}

/**
 * One count per process, shared by route handlers and server.ts (separate module copies) through
 * globalThis. Only the counts are shared: each copy throws its own AppError, which its own error
 * mapping recognises (a shared instance threw the other copy's class, and routes answered 500).
 */
const holder = globalThis as unknown as { berthStreamCounts?: Map<string, number> };
let local: StreamSlots | undefined;

export function streamSlots(): StreamSlots {
  holder.berthStreamCounts ??= new Map<string, number>();
  local ??= new StreamSlots(() => ({ perUser: settings().BERTH_STREAMS_PER_USER, perTeam: settings().BERTH_STREAMS_PER_TEAM }), holder.berthStreamCounts);
  return local;
}

/**
 * A token bucket: `rate` events a second on average, bursts up to `burst`. For /ui events, one
 * bucket per socket.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
