"use client";

import { usePathname, useRouter } from "next/navigation";
import { ALERT_RULES, type TAlertQuery } from "@/lib/protocol/alerts";
import { RULE_LABELS } from "@/lib/ui/alerts";
import { SelectField } from "../ui/field";

/** State, rule and severity as ?query, so a filtered view can be linked and survives reload. */
export function AlertFilters({ query }: { query: TAlertQuery }) {
  const router = useRouter();
  const pathname = usePathname();
  const go = (key: keyof TAlertQuery, value: string) => {
    const merged: Record<string, string | undefined> = { ...query, [key]: value };
    const next = new URLSearchParams(Object.entries(merged).filter((e): e is [string, string] => Boolean(e[1])));
    router.push(next.size ? `${pathname}?${next}` : pathname);
  };
  return (
    <div className="flex flex-wrap gap-3" role="group" aria-label="Filter alerts">
      <SelectField label="State" name="state" className="w-40" value={query.state ?? ""} onChange={(e) => go("state", e.target.value)}>
        <option value="">Any state</option>
        <option value="firing">Firing</option>
        <option value="resolved">Resolved</option>
      </SelectField>
      <SelectField label="Rule" name="rule" className="w-52" value={query.rule ?? ""} onChange={(e) => go("rule", e.target.value)}>
        <option value="">Any rule</option>
        {ALERT_RULES.map((r) => (
          <option key={r} value={r}>
            {RULE_LABELS[r]}
          </option>
        ))}
      </SelectField>
      <SelectField label="Severity" name="severity" className="w-40" value={query.severity ?? ""} onChange={(e) => go("severity", e.target.value)}>
        <option value="">Any severity</option>
        <option value="critical">Critical</option>
        <option value="warning">Warning</option>
        <option value="info">Info</option>
      </SelectField>
    </div>
  );
}
