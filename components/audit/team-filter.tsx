"use client";

import { usePathname, useRouter } from "next/navigation";
import { SelectField } from "../ui/field";

/** Filters by ?team= so a filtered view can be linked and survives reload. */
export function TeamFilter({ teams, selected }: { teams: { slug: string; name: string }[]; selected: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  return (
    <SelectField
      label="Filter by team"
      name="team"
      className="w-64 max-w-full"
      value={selected ?? ""}
      onChange={(e) => router.push(e.target.value ? `${pathname}?team=${encodeURIComponent(e.target.value)}` : pathname)}
    >
      <option value="">All teams you can see</option>
      {teams.map((t) => (
        <option key={t.slug} value={t.slug}>
          {t.name} ({t.slug})
        </option>
      ))}
    </SelectField>
  );
}
