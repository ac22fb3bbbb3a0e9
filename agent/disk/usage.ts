import { LABEL, type TDiskUsage } from "../../lib/protocol/agent";
import type { DockerEngine } from "../docker/engine";
import type { XfsVolumes } from "../volumes/xfs";

/**
 * Measures what Berth occupies on this host at a modest interval and hands each result to
 * `report`. One scan at a time; a scan that fails is logged and the next one tries again.
 */
export class DiskUsageReporter {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> | null = null;

  constructor(
    private readonly engine: DockerEngine,
    private readonly hostId: string,
    private readonly volumes: XfsVolumes,
    private readonly intervalMs: number,
    private readonly report: (usage: TDiskUsage) => void,
  ) {}

  async measure(): Promise<TDiskUsage> {
    const [layers, mounted] = await Promise.all([this.engine.writableLayerSizes({ [LABEL.host]: this.hostId }), this.volumes.mountedUsage()]);
    const suffix = `${this.hostId.slice(-8)}-`;
    return {
      containers: layers
        .filter((c) => c.labels[LABEL.set])
        .map((c) => ({ dockerId: c.id, setId: c.labels[LABEL.set], writableBytes: c.sizeRw })),
      volumes: mounted
        .filter((v) => v.key.startsWith(suffix))
        .map((v) => ({ setId: v.key.slice(suffix.length), usedBytes: v.usedBytes, sizeBytes: v.sizeBytes, entries: v.entries })),
      trashBytes: this.volumes.trashBytes(),
      measuredAt: Date.now(),
    };
  }

  /** Scans now (unless a scan is under way) and reports the result. */
  scan(): Promise<void> {
    this.running ??= this.measure()
      .then((usage) => this.report(usage))
      .catch((err: unknown) => console.warn(`[agent] disk usage not measured: ${(err as Error).message}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  start(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.scan(), this.intervalMs);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
