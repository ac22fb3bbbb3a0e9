"use client";

import { useState } from "react";
import { ZMember } from "@/lib/protocol/api";
import { EmailRoleForm } from "./email-role-form";

/** Adds someone who already has an account; their credentials stay theirs. */
export function AddMemberForm({ team }: { team: string }) {
  const [added, setAdded] = useState<string | null>(null);
  return (
    <EmailRoleForm
      label="Add member"
      path={`/api/v1/teams/${encodeURIComponent(team)}/members`}
      schema={ZMember}
      submitLabel="Add member"
      pendingLabel="Adding…"
      errorTitle="The member was not added"
      onStart={() => setAdded(null)}
      onDone={(m) => setAdded(`${m.email} is now ${m.role} in ${team}.`)}
    >
      {added && (
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {added}
        </p>
      )}
    </EmailRoleForm>
  );
}
