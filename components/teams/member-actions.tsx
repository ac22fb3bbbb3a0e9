"use client";

import { ZMember, ZTeamRole, type TTeamRole } from "@/lib/protocol/api";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { ConfirmButton } from "../ui/confirm-button";
import { controlClass } from "../ui/field";

const base = (team: string, userId: string) => `/api/v1/teams/${encodeURIComponent(team)}/members/${encodeURIComponent(userId)}`;

export function MemberRoleSelect({ team, userId, email, role }: { team: string; userId: string; email: string; role: TTeamRole }) {
  const { run, pending, error } = useApiAction();
  return (
    <div>
      <select
        aria-label={`Role for ${email}`}
        defaultValue={role}
        disabled={pending}
        onChange={(e) => {
          const next = ZTeamRole.parse(e.target.value);
          const select = e.currentTarget;
          void run(() => apiFetch(base(team, userId), { method: "PATCH", body: { role: next }, schema: ZMember })).then((r) => {
            // The server said no (e.g. the last owner): show its reason and put the select back.
            if (!r.ok) select.value = role;
          });
        }}
        className={controlClass("h-7 w-auto py-0 text-xs")}
      >
        {ZTeamRole.options.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {error && (
        <p role="alert" className="mt-1 max-w-56 text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}

export function RemoveMemberButton({
  team,
  userId,
  email,
  disabledReason,
}: {
  team: string;
  userId: string;
  email: string;
  disabledReason?: string;
}) {
  return (
    <ConfirmButton
      label="Remove"
      ariaLabel={`Remove ${email}`}
      title={`Remove ${email} from ${team}?`}
      body={<p>They lose access to the team&apos;s apps, sets and audit log at once. Their user account and API tokens stay.</p>}
      confirmLabel="Remove member"
      disabledReason={disabledReason}
      onConfirm={() => apiFetch(base(team, userId), { method: "DELETE" })}
    />
  );
}
