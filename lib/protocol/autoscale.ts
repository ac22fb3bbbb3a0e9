import { z } from "zod";

/**
 * An app's autoscale policy as PUT takes it. Kubernetes HPA's documented defaults for the damping
 * (0 s before scaling out, 300 s before scaling in) are ours too, so a policy that leaves them out
 * behaves like the HPA users already know.
 */
export const ZAutoscalePut = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(100).describe("never fewer sets (at least 1: an app at 0 has no load to measure)"),
    maxReplicas: z.number().int().min(1).max(100).describe("never more sets, whatever the load; quota may stop it earlier"),
    cpuTargetPercent: z.number().int().min(1).max(100).describe("average CPU of the Running sets, in percent of their CPU limit"),
    memoryTargetPercent: z.number().int().min(1).max(100).nullable().optional().describe("also scale on memory (percent of the memory limit); null or absent: CPU only"),
    scaleOutStabilizationSeconds: z.number().int().min(0).max(3600).default(0).describe("load must stay above the target this long before adding sets"),
    scaleInStabilizationSeconds: z.number().int().min(0).max(86_400).default(300).describe("sets are removed only when the whole window wanted fewer; at most one step per window"),
  })
  .superRefine((p, ctx) => {
    if (p.minReplicas > p.maxReplicas) ctx.addIssue({ code: "custom", path: ["maxReplicas"], message: `must be at least minReplicas (${p.minReplicas})` });
  });
export type TAutoscalePut = z.infer<typeof ZAutoscalePut>;

/** What a blocked scale-out would need beyond the team's quota (or the fleet's free room). */
export const ZAutoscaleNeed = z.object({
  sets: z.number().int(),
  cpuMillis: z.number().int(),
  memoryMiB: z.number().int(),
  diskGiB: z.number().int(),
});
export type TAutoscaleNeed = z.infer<typeof ZAutoscaleNeed>;

export const ZAutoscaleView = z.object({
  minReplicas: z.number().int(),
  maxReplicas: z.number().int(),
  cpuTargetPercent: z.number().int(),
  memoryTargetPercent: z.number().int().nullable(),
  scaleOutStabilizationSeconds: z.number().int(),
  scaleInStabilizationSeconds: z.number().int(),
  lastScaleAt: z.string().nullable(),
  /** The last scale the autoscaler made, with its reason ("CPU 86 % > target 60 % over 60 s: 3 → 5"). */
  lastDecision: z.string().nullable(),
  /** A wanted scale-out that cannot happen; null when nothing is blocked. */
  blocked: z
    .object({
      kind: z.enum(["quota", "capacity"]),
      reason: z.string(),
      since: z.string(),
      need: ZAutoscaleNeed.nullable(),
    })
    .nullable(),
  /**
   * The live measurement the leader last evaluated (null: not evaluated yet, or this replica does
   * not lead and has not seen one).
   */
  current: z
    .object({
      at: z.string(),
      runningSets: z.number().int(),
      cpuPercent: z.number().nullable(),
      memoryPercent: z.number().nullable(),
      desiredReplicas: z.number().int(),
    })
    .nullable(),
});
export type TAutoscaleView = z.infer<typeof ZAutoscaleView>;
