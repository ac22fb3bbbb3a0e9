"use client";

import { useRouter } from "next/navigation";
import { teamCookie } from "@/lib/ui/team-cookie";
import { controlClass } from "../ui/field";

export function TeamSwitcher({ teams, selected }: { teams: { slug: string; name: string }[]; selected: string | null }) {
  const router = useRouter();
  if (teams.length === 0) {
    return <p className="text-xs text-zinc-600 dark:text-zinc-400">No team yet</p>;
  }
  return (
    <div>
      <label htmlFor="team-switcher" className="mb-1 block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Team
      </label>
      <select
        id="team-switcher"
        value={selected ?? ""}
        onChange={(e) => {
          document.cookie = teamCookie(e.target.value);
          router.refresh();
        }}
        className={controlClass("h-8 w-full text-sm")}
      >
        {teams.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name} ({t.slug})
          </option>
        ))}
      </select>
    </div>
  );
}
