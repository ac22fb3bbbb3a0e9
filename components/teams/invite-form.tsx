"use client";

import { useState } from "react";
import { ZAccountLinkCreated, type TAccountLinkCreated } from "@/lib/protocol/api";
import { EmailRoleForm } from "./email-role-form";
import { OneUseLink } from "./one-use-link";

/** Owners invite by email; the link is shown once, to be handed over (no mail server needed). */
export function InviteForm({ team }: { team: string }) {
  const [link, setLink] = useState<TAccountLinkCreated | null>(null);
  return (
    <EmailRoleForm
      label="Invite"
      path={`/api/v1/teams/${encodeURIComponent(team)}/invitations`}
      schema={ZAccountLinkCreated}
      submitLabel="Create invitation link"
      pendingLabel="Inviting…"
      errorTitle="No invitation was made"
      onStart={() => setLink(null)}
      onDone={setLink}
    >
      {link && (
        <OneUseLink
          link={link}
          what={`Send this link to ${link.email}: it lets them join ${team} as ${link.role} with a password they choose, or with their account if they have one.`}
        />
      )}
    </EmailRoleForm>
  );
}
