import { recordAudit, type TActor } from "../audit";
import type { TTx } from "../db";
import { AppError } from "../errors";
import type { App } from "../generated/prisma/client";
import type { TAppContainer, TContainerPercents, TSize } from "../protocol/apps";
import { reserveQuota } from "../quota/reserve";

/**
 * Online resize: quota is checked for the difference over every live set, the new size is written
 * on the app and its sets, then each set is applied again; the agent changes CPU and memory of
 * running containers in place (`docker update`, same StartedAt) and the set's parent cgroup.
 * Docker keeps updated limits across container restarts; a recreated container is built from the
 * database, which already holds the new size. Runs inside the PATCH transaction (lib/apps/patch.ts);
 * returns the placed sets to apply again once it commits.
 */
export async function resizeInTx(
  tx: TTx,
  actor: TActor,
  app: App,
  change: { size?: TSize; containers?: TContainerPercents[] },
): Promise<string[]> {
  const size = change.size ?? { cpu: app.cpuMillis / 1000, memoryMiB: app.memoryMiB, diskGiB: app.diskGiB };
  const cpuMillis = Math.round(size.cpu * 1000);
  if (size.diskGiB < app.diskGiB) {
    throw new AppError("VALIDATION", `Volumes grow but never shrink: ${app.diskGiB} GiB now, ${size.diskGiB} GiB asked`, {
      issues: [{ path: "size.diskGiB", message: "cannot shrink" }],
    });
  }
  const before = app.containers as TAppContainer[];
  const containers = change.containers ? withPercents(before, change.containers) : before;
  const live = await tx.set.findMany({ where: { appId: app.id, deletedAt: null, state: { not: "Deleting" } }, select: { id: true, hostId: true } });
  const n = live.length;
  await reserveQuota(tx, app.teamId, {
    cpuMillis: (cpuMillis - app.cpuMillis) * n,
    memoryMiB: (size.memoryMiB - app.memoryMiB) * n,
    diskGiB: (size.diskGiB - app.diskGiB) * n,
    sets: 0,
  });
  await tx.app.update({ where: { id: app.id }, data: { cpuMillis, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB, containers } });
  await tx.set.updateMany({ where: { id: { in: live.map((s) => s.id) } }, data: { cpuMillis, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB } });
  for (const c of change.containers ?? []) {
    const next = containers.find((x) => x.name === c.name)!;
    await tx.container.updateMany({
      where: { setId: { in: live.map((s) => s.id) }, name: c.name },
      data: { cpuPercent: next.cpu, memoryPercent: next.memory },
    });
  }
  await recordAudit(tx, actor, {
    teamId: app.teamId,
    action: "app.resize",
    targetType: "app",
    targetId: app.id,
    details: {
      name: app.name,
      from: { cpu: app.cpuMillis / 1000, memoryMiB: app.memoryMiB, diskGiB: app.diskGiB },
      to: { cpu: size.cpu, memoryMiB: size.memoryMiB, diskGiB: size.diskGiB },
      ...(change.containers
        ? { containers: change.containers.map((c) => ({ name: c.name, from: pick(before, c.name), to: pick(containers, c.name) })) }
        : {}),
      sets: n,
    },
  });
  return live.filter((s) => s.hostId).map((s) => s.id);
}

function pick(containers: TAppContainer[], name: string): { cpu: number; memory: number } {
  const c = containers.find((x) => x.name === name)!;
  return { cpu: c.cpu, memory: c.memory };
}

/** The app's containers with new percents; unknown names and memory past 100 % are refused. */
function withPercents(containers: TAppContainer[], changes: TContainerPercents[]): TAppContainer[] {
  const issues: Array<{ path: string; message: string }> = [];
  changes.forEach((c, i) => {
    if (!containers.some((x) => x.name === c.name)) issues.push({ path: `containers.${i}.name`, message: `the app has no container named ${c.name}` });
  });
  if (issues.length) throw new AppError("VALIDATION", issues.map((x) => x.message).join("; "), { issues });
  const next = containers.map((x) => {
    const c = changes.find((y) => y.name === x.name);
    return c ? { ...x, cpu: c.cpu ?? x.cpu, memory: c.memory ?? x.memory } : x;
  });
  const memory = next.reduce((a, c) => a + c.memory, 0);
  if (memory > 100) {
    throw new AppError("VALIDATION", `memory percents would add up to ${memory}; at most 100`, {
      issues: [{ path: "containers", message: `memory percents add up to ${memory}; at most 100` }],
    });
  }
  return next;
}
