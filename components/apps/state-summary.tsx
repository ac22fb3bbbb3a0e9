import { countStates, summaryText } from "@/lib/ui/sets";
import { Badge, stateTone } from "../ui/badge";

/** "2 Running · 1 Degraded" as badges, worst state first; each badge says its state in words. */
export function SetStateSummary({ states }: { states: string[] }) {
  const counts = countStates(states);
  if (counts.length === 0) {
    return (
      <Badge tone="neutral" dot={false}>
        No sets
      </Badge>
    );
  }
  return (
    <span className="inline-flex flex-wrap items-center gap-1" aria-label={summaryText(states)} data-testid="state-summary">
      {counts.map((c) => (
        <Badge key={c.state} tone={stateTone(c.state)}>
          {c.count} {c.state}
        </Badge>
      ))}
    </span>
  );
}

export function CanaryBadge({ title }: { title?: string }) {
  return (
    <span title={title}>
      <Badge tone="warning" dot={false}>
        Canary
      </Badge>
    </span>
  );
}
