import type { TTx } from "../db";
import { AppError } from "../errors";
import { formatMiB } from "../ui/format";

export interface TReservation {
  cpuMillis: number;
  memoryMiB: number;
  diskGiB: number;
  sets: number;
}

/**
 * Must run inside the transaction that writes the sets: the quota row is locked FOR UPDATE, so
 * concurrent creates queue here and each sees the others' committed sets. Usage is always the sum
 * over live sets, never a separate counter that could drift.
 */
export async function reserveQuota(tx: TTx, teamId: string, want: TReservation): Promise<void> {
  const rows = await tx.$queryRaw<Array<{ cpuMillis: number; memoryMiB: number; diskGiB: number; sets: number }>>`
    SELECT "cpuMillis", "memoryMiB", "diskGiB", "sets" FROM "Quota" WHERE "teamId" = ${teamId} FOR UPDATE`;
  const limits = rows[0] ?? { cpuMillis: 0, memoryMiB: 0, diskGiB: 0, sets: 0 };
  const used = await tx.set.aggregate({
    where: { teamId, deletedAt: null },
    _sum: { cpuMillis: true, memoryMiB: true, diskGiB: true },
    _count: true,
  });
  const have = {
    cpuMillis: used._sum.cpuMillis ?? 0,
    memoryMiB: used._sum.memoryMiB ?? 0,
    diskGiB: used._sum.diskGiB ?? 0,
    sets: used._count,
  };
  const over: string[] = [];
  // Memory in the units the console's previews use (GiB past 1024 MiB), so the refusal reads like the preview that warned of it.
  const cores = (millis: number) => String(Number((millis / 1000).toFixed(3)));
  if (have.cpuMillis + want.cpuMillis > limits.cpuMillis) over.push(`${cores(have.cpuMillis + want.cpuMillis)} of ${cores(limits.cpuMillis)} cores`);
  if (have.memoryMiB + want.memoryMiB > limits.memoryMiB) over.push(`${formatMiB(have.memoryMiB + want.memoryMiB)} of ${formatMiB(limits.memoryMiB)} memory`);
  if (have.diskGiB + want.diskGiB > limits.diskGiB) over.push(`${have.diskGiB + want.diskGiB} of ${limits.diskGiB} GiB disk`);
  if (have.sets + want.sets > limits.sets) over.push(`${have.sets + want.sets} of ${limits.sets} sets`);
  if (over.length) {
    throw new AppError("QUOTA_EXCEEDED", `Quota exceeded: ${over.join(", ")}. Request more quota on the Quota page.`, {
      limits: { cpu: limits.cpuMillis / 1000, memoryMiB: limits.memoryMiB, diskGiB: limits.diskGiB, sets: limits.sets },
      used: { cpu: have.cpuMillis / 1000, memoryMiB: have.memoryMiB, diskGiB: have.diskGiB, sets: have.sets },
      requested: { cpu: want.cpuMillis / 1000, memoryMiB: want.memoryMiB, diskGiB: want.diskGiB, sets: want.sets },
    });
  }
}
