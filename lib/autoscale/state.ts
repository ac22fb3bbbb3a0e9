/**
 * What the leader last measured per app, for GET …/autoscale and the app page. On globalThis
 * because server.ts (which runs the loop) and Next's route handlers load separate module copies.
 */
export interface TAutoscaleLive {
  at: number;
  runningSets: number;
  cpuPercent: number | null;
  memoryPercent: number | null;
  desiredReplicas: number;
}

const holder = globalThis as unknown as { berthAutoscale?: Map<string, TAutoscaleLive> };

export function autoscaleLive(): Map<string, TAutoscaleLive> {
  holder.berthAutoscale ??= new Map();
  return holder.berthAutoscale;
}
