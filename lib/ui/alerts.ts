import type { TAlertRule, TAlertSeverity } from "../protocol/alerts";

export const RULE_LABELS: Record<TAlertRule, string> = {
  oom_killed: "OOM killed",
  crash_loop: "Crash loop",
  set_unhealthy: "Set unhealthy",
  host_not_ready: "Host not ready",
  quota_near_limit: "Quota near limit",
  volume_near_full: "Volume near full",
  autoscale_blocked: "Autoscale blocked",
};

export const SEVERITY_TONES = { critical: "danger", warning: "warning", info: "info" } as const satisfies Record<TAlertSeverity, string>;

/** The quota request an autoscale_blocked alert carries (rules.ts), as the Quota page's prefill link. */
export function quotaRequestHref(details: Record<string, unknown>): { href: string; need: string } | null {
  const r = details.quotaRequest as { cpu?: number; memoryMiB?: number; diskGiB?: number; sets?: number; reason?: string } | null | undefined;
  const need = typeof details.needText === "string" ? details.needText : null;
  if (!r || !need) return null;
  const q = new URLSearchParams({
    cpu: String(r.cpu ?? ""),
    memoryMiB: String(r.memoryMiB ?? ""),
    diskGiB: String(r.diskGiB ?? ""),
    sets: String(r.sets ?? ""),
    reason: r.reason ?? "",
  });
  return { href: `/quota?${q}#request`, need };
}
