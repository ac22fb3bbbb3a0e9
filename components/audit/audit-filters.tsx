"use client";

import { usePathname, useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "../ui/button";
import { Field, SelectField } from "../ui/field";

export interface TAuditFilterValues {
  team: string | null;
  action: string | null;
  actor: string | null;
  from: string | null;
  to: string | null;
}

/** `datetime-local` speaks the browser's local time; the URL and the API speak ISO instants. */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function toIso(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** Common action prefixes, offered as suggestions; any prefix works. */
const ACTIONS = ["app.", "set.", "terminal.", "quota.", "member.", "token.", "host.", "image.", "user."];

/**
 * The audit log's filters, kept in the URL (?team=&action=&actor=&from=&to=) so a filtered view
 * can be linked and survives reload; the server does the filtering, across every page.
 */
export function AuditFilters({ teams, selected }: { teams: { slug: string; name: string }[]; selected: TAuditFilterValues }) {
  const router = useRouter();
  const pathname = usePathname();
  const [team, setTeam] = useState(selected.team ?? "");
  const [action, setAction] = useState(selected.action ?? "");
  const [actor, setActor] = useState(selected.actor ?? "");
  const [from, setFrom] = useState(toLocalInput(selected.from));
  const [to, setTo] = useState(toLocalInput(selected.to));

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const params = new URLSearchParams();
    const fromIso = toIso(from);
    const toIsoValue = toIso(to);
    for (const [key, value] of [["team", team], ["action", action.trim()], ["actor", actor.trim()], ["from", fromIso], ["to", toIsoValue]] as const) {
      if (value) params.set(key, value);
    }
    const qs = params.toString();
    router.push(qs ? `${pathname}?${qs}` : pathname);
  };

  return (
    <form onSubmit={apply} className="flex flex-wrap items-end gap-3" aria-label="Filter audit events">
      <SelectField label="Team" name="team" className="w-56 max-w-full" value={team} onChange={(e) => setTeam(e.target.value)}>
        <option value="">All teams you can see</option>
        {teams.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name} ({t.slug})
          </option>
        ))}
      </SelectField>
      <Field label="Action" name="action" className="w-40 max-w-full" list="audit-actions" placeholder="set." value={action} onChange={(e) => setAction(e.target.value)} />
      <datalist id="audit-actions">
        {ACTIONS.map((a) => (
          <option key={a} value={a} />
        ))}
      </datalist>
      <Field label="Actor" name="actor" className="w-48 max-w-full" placeholder="email" value={actor} onChange={(e) => setActor(e.target.value)} />
      <Field label="From" name="from" type="datetime-local" className="w-52 max-w-full" value={from} onChange={(e) => setFrom(e.target.value)} />
      <Field label="To" name="to" type="datetime-local" className="w-52 max-w-full" value={to} onChange={(e) => setTo(e.target.value)} />
      <span className="flex gap-2">
        <Button type="submit" variant="primary">
          Apply
        </Button>
        <Button
          onClick={() => {
            setTeam("");
            setAction("");
            setActor("");
            setFrom("");
            setTo("");
            router.push(pathname);
          }}
        >
          Clear
        </Button>
      </span>
    </form>
  );
}
