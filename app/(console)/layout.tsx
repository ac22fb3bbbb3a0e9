import type { ReactNode } from "react";
import { Shell } from "@/components/shell/shell";
import type { TTone } from "@/components/ui/badge";
import { firingCount } from "@/lib/alerts/list";
import { health } from "@/lib/health";
import { listQuotaRequests } from "@/lib/quota/requests";
import { consoleContext } from "@/lib/ui/context";

// Every console page reads the session and live data; nothing here may be prerendered.
export const dynamic = "force-dynamic";

function healthSummary(h: Awaited<ReturnType<typeof health>>): { tone: TTone; text: string } {
  if (h.database === "down") return { tone: "danger", text: "Database down" };
  if (h.agents.total === 0) return { tone: "neutral", text: "No hosts enrolled" };
  if (h.agents.unreachable > 0) return { tone: "danger", text: `${h.agents.unreachable} of ${h.agents.total} hosts unreachable` };
  return { tone: "success", text: `${h.agents.ready} of ${h.agents.total} hosts ready` };
}

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const [{ principal, teams, team }, h] = await Promise.all([consoleContext(), health()]);
  // Rendered with every page, so a decision (which re-renders) updates the count in the navigation.
  const pending = principal.isAdmin ? (await listQuotaRequests(principal, "PENDING")).length : 0;
  const firing = await firingCount(principal, team?.slug ?? null);
  const countUrl = principal.isAdmin ? "/api/v1/alerts?state=firing" : team ? `/api/v1/teams/${encodeURIComponent(team.slug)}/alerts?state=firing` : null;
  return (
    <Shell
      email={principal.email}
      isAdmin={principal.isAdmin}
      teams={teams.map((t) => ({ slug: t.slug, name: t.name }))}
      selectedTeam={team?.slug ?? null}
      health={healthSummary(h)}
      pendingApprovals={pending}
      alerts={{ firing, countUrl }}
    >
      {children}
    </Shell>
  );
}
