/**
 * Who watches which set. One agent watch per set however many sockets subscribe: the first
 * subscriber asks the agent, the last one to leave (unsubscribe or disconnect) releases it.
 * Pure bookkeeping; the caller sends the watch/unwatch commands these methods ask for.
 */
export interface TWatchChange {
  setId: string;
  hostId: string | null;
}

export class WatchRegistry {
  private readonly sets = new Map<string, { hostId: string | null; sockets: Set<string> }>();
  /** Per socket, its sets and what to give back when it stops watching one (a fair-use slot). */
  private readonly bySocket = new Map<string, Map<string, () => void>>();

  /** Whether `socketId` already watches `setId` (a repeated subscribe holds nothing more). */
  watching(socketId: string, setId: string): boolean {
    return this.bySocket.get(socketId)?.has(setId) ?? false;
  }

  /**
   * True when this is the set's first subscriber: the agent must be asked to watch. `release`
   * runs once, when this socket stops watching the set (unsubscribe, lost access or disconnect).
   */
  add(socketId: string, setId: string, hostId: string | null, release: () => void = () => undefined): boolean {
    let entry = this.sets.get(setId);
    const first = !entry;
    if (!entry) {
      entry = { hostId, sockets: new Set() };
      this.sets.set(setId, entry);
    }
    entry.sockets.add(socketId);
    let mine = this.bySocket.get(socketId);
    if (!mine) {
      mine = new Map();
      this.bySocket.set(socketId, mine);
    }
    // Two subscribes raced past `watching`: the pair holds one slot, the other goes back now.
    if (mine.has(setId)) release();
    else mine.set(setId, release);
    return first;
  }

  /** The set's watch to release when `socketId` was its last subscriber, else null. */
  remove(socketId: string, setId: string): TWatchChange | null {
    const mine = this.bySocket.get(socketId);
    mine?.get(setId)?.();
    mine?.delete(setId);
    if (mine?.size === 0) this.bySocket.delete(socketId);
    const entry = this.sets.get(setId);
    if (!entry || !entry.sockets.delete(socketId) || entry.sockets.size > 0) return null;
    this.sets.delete(setId);
    return { setId, hostId: entry.hostId };
  }

  /** A socket went away: every watch it was the last subscriber of. */
  removeSocket(socketId: string): TWatchChange[] {
    const mine = [...(this.bySocket.get(socketId)?.keys() ?? [])];
    return mine.map((setId) => this.remove(socketId, setId)).filter((c): c is TWatchChange => c !== null);
  }

  /**
   * The host a watched set's samples now come from, when it differs from the one recorded (the set
   * was placed after its first subscriber came, or moved): true when the agent must be asked.
   */
  rehost(setId: string, hostId: string): boolean {
    const entry = this.sets.get(setId);
    if (!entry || entry.hostId === hostId) return false;
    entry.hostId = hostId;
    return true;
  }

  /** Every (socket, set) pair, for re-checking access. */
  pairs(): Array<{ socketId: string; setId: string }> {
    return [...this.bySocket].flatMap(([socketId, sets]) => [...sets.keys()].map((setId) => ({ socketId, setId })));
  }

  has(setId: string): boolean {
    return this.sets.has(setId);
  }

  /** Watched sets placed on `hostId`: sent again when its agent (re)connects. */
  setsOnHost(hostId: string): string[] {
    return [...this.sets].filter(([, e]) => e.hostId === hostId).map(([setId]) => setId);
  }

  get watchedSets(): number {
    return this.sets.size;
  }

  get subscriptions(): number {
    let n = 0;
    for (const e of this.sets.values()) n += e.sockets.size;
    return n;
  }
}
