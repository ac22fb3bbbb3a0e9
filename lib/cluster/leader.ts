import { randomBytes } from "node:crypto";
import os from "node:os";
import { Client } from "pg";
import { settings } from "../env";

/**
 * One leader among the console replicas sharing a database, for the work that must run once: the
 * reconciler (placement, retries, trash purges), the host sweep and rollup pruning. Leadership is a
 * session-level Postgres advisory lock held on a connection of its own: when the leader dies its
 * connection closes and the lock is free for the next replica's poll. The lock is also a lease:
 * a leader whose lock connection fails, or does not answer a probe in time, stops leading at once
 * (it may be partitioned from the database while another replica takes over).
 */

/** 'berth' + 'lead' as one bigint key: what no other advisory lock in this database uses. */
const LOCK_KEY = "7089063423911437412";

interface TLeaderState {
  replicaId: string;
  leader: boolean;
}

// /api/health (Next's module copy) reads what server.ts's election decides.
const holder = globalThis as unknown as { berthLeader?: TLeaderState };
function state(): TLeaderState {
  holder.berthLeader ??= { replicaId: settings().BERTH_REPLICA_ID ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`, leader: false };
  return holder.berthLeader;
}

export function replicaId(): string {
  return state().replicaId;
}

export function isLeader(): boolean {
  return state().leader;
}

export interface TElection {
  close(): Promise<void>;
}

/**
 * Polls for the lock every `pollMs` while following, probes it as often while leading; a probe
 * that fails or takes longer than `pollMs` ends the leadership. `onChange` hears every transition.
 */
export function startElection(databaseUrl: string, opts: { pollMs?: number; onChange?: (leader: boolean) => void } = {}): TElection {
  const pollMs = opts.pollMs ?? 2000;
  let client: Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const set = (leader: boolean) => {
    if (state().leader === leader) return;
    state().leader = leader;
    opts.onChange?.(leader);
  };
  const drop = (why: string) => {
    if (state().leader) console.warn(`[leader] ${replicaId()} stops leading: ${why}`);
    set(false);
    const c = client;
    client = null;
    c?.end().catch((err: unknown) => console.warn(`[leader] lock connection not closed cleanly: ${(err as Error).message}`));
  };
  const withDeadline = <T>(work: Promise<T>): Promise<T> => {
    let deadline: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`no answer within ${pollMs} ms`)), pollMs);
    });
    return Promise.race([work, late]).finally(() => clearTimeout(deadline));
  };

  const tick = async () => {
    if (closed) return;
    try {
      if (!client) {
        const c = new Client({ connectionString: databaseUrl, application_name: `berth-leader-${replicaId()}` });
        c.on("error", (err) => drop(`lock connection failed: ${err.message}`));
        await withDeadline(c.connect());
        client = c;
      }
      if (state().leader) {
        // The lease: the lock lives as long as this session, which must keep answering.
        await withDeadline(client.query("SELECT 1"));
      } else {
        const r = await withDeadline(client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS locked", [LOCK_KEY]));
        if (r.rows[0]?.locked) set(true);
      }
    } catch (err) {
      drop((err as Error).message);
    } finally {
      if (!closed) timer = setTimeout(() => void tick(), pollMs);
    }
  };
  void tick();

  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      set(false);
      // Ending the session releases the lock for the next replica at once.
      await client?.end().catch((err: unknown) => console.warn(`[leader] lock connection not closed cleanly: ${(err as Error).message}`));
      client = null;
    },
  };
}
