"use client";

import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke token “${name}”?`}
      body={<p>Scripts and pipelines using this token get 401 from their next request. This cannot be undone; create a new token instead.</p>}
      confirmLabel="Revoke token"
      onConfirm={() => apiFetch(`/api/v1/auth/tokens/${encodeURIComponent(id)}`, { method: "DELETE" })}
    />
  );
}
