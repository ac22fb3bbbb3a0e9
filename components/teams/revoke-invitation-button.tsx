"use client";

import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";

export function RevokeInvitationButton({ team, id, email }: { team: string; id: string; email: string }) {
  return (
    <ConfirmButton
      label="Revoke"
      ariaLabel={`Revoke the invitation for ${email}`}
      title={`Revoke the invitation for ${email}?`}
      body={<p>The link stops working at once. You can invite them again later.</p>}
      confirmLabel="Revoke invitation"
      onConfirm={() => apiFetch(`/api/v1/teams/${encodeURIComponent(team)}/invitations/${encodeURIComponent(id)}`, { method: "DELETE" })}
    />
  );
}
