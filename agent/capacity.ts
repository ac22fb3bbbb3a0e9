import fs from "node:fs";
import type { DockerEngine } from "./docker/engine";

async function freeBytes(dir: string): Promise<number> {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const st = await fs.promises.statfs(dir);
    return st.bavail * st.bsize;
  } catch (err) {
    console.warn(`[agent] cannot measure free space of ${dir}: ${(err as Error).message}`);
    return 0;
  }
}

export async function measureCapacity(engine: DockerEngine, volumeRoot: string) {
  const info = await engine.info();
  const [diskFreeBytes, volumeFreeBytes] = await Promise.all([freeBytes(info.rootDir), freeBytes(volumeRoot)]);
  return {
    capacity: { cpuCores: info.ncpu, memoryBytes: info.memTotal, diskFreeBytes, volumeFreeBytes },
    dockerVersion: info.version,
    cgroup: `v${info.cgroupVersion}/${info.cgroupDriver}`,
  };
}
