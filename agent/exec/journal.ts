import fs from "node:fs";
import path from "node:path";
import { z } from "zod";

const ZEntry = z.object({ sessionId: z.string(), containerId: z.string(), execId: z.string() });
export type TJournalEntry = z.infer<typeof ZEntry>;

/**
 * The terminal sessions this agent has open, on disk. The agent keeps no database, but a killed
 * agent cannot end its sessions, and Docker keeps a detached exec running: on the next start the
 * agent ends whatever this file still lists. A few hundred bytes, rewritten on open and close.
 */
export class ExecJournal {
  private readonly file: string;
  private readonly entries = new Map<string, TJournalEntry>();

  constructor(stateDir: string) {
    this.file = path.join(stateDir, "exec-sessions.json");
  }

  /** What a previous run left behind; the journal starts empty after this. */
  takeLeftovers(): TJournalEntry[] {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    let data: unknown = [];
    try {
      data = JSON.parse(raw || "[]");
    } catch (err) {
      console.warn(`[agent] ignoring unreadable ${this.file}: ${(err as Error).message}`);
    }
    const parsed = z.array(ZEntry).safeParse(data);
    this.write();
    return parsed.success ? parsed.data : [];
  }

  add(e: TJournalEntry): void {
    this.entries.set(e.sessionId, e);
    this.write();
  }

  remove(sessionId: string): void {
    if (this.entries.delete(sessionId)) this.write();
  }

  private write(): void {
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(this.file, JSON.stringify([...this.entries.values()]));
    } catch (err) {
      // Losing the journal only loses the crash cleanup; the session itself keeps working.
      console.warn(`[agent] exec journal not written: ${(err as Error).message}`);
    }
  }
}
