"use client";

import { useState } from "react";
import { ZAccountLinkCreated, ZUser, type TAccountLinkCreated } from "@/lib/protocol/api";
import { OneUseLink } from "../teams/one-use-link";
import { apiFetch } from "../api-fetch";
import { useApiAction } from "../use-api-action";
import { Button } from "../ui/button";
import { ConfirmButton } from "../ui/confirm-button";

const patchUser = (id: string, body: { disabled?: boolean; isAdmin?: boolean }) =>
  apiFetch(`/api/v1/users/${encodeURIComponent(id)}`, { method: "PATCH", body, schema: ZUser });

const SELF = "You cannot disable yourself or drop your own admin role";

/**
 * Taking access away or granting admin asks first; giving access back (enable, drop admin from
 * someone else) is harmless and immediate.
 */
export function UserActions({ id, email, disabled, isAdmin, isSelf }: { id: string; email: string; disabled: boolean; isAdmin: boolean; isSelf: boolean }) {
  const { run, pending, error } = useApiAction();
  const [resetLink, setResetLink] = useState<TAccountLinkCreated | null>(null);
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <ConfirmButton
        label="Reset password"
        ariaLabel={`Reset password of ${email}`}
        title={`Reset the password of ${email}?`}
        body={<p>Their current password stops working, every session of theirs is signed out and their API tokens are revoked. You get a one-use link for them to choose a new password.</p>}
        confirmLabel="Reset password"
        disabledReason={isSelf ? "Change your own password on your Account page" : undefined}
        onConfirm={async () => setResetLink(await apiFetch(`/api/v1/users/${encodeURIComponent(id)}/password-reset`, { method: "POST", schema: ZAccountLinkCreated }))}
      />
      {disabled ? (
        <Button size="sm" disabled={pending} onClick={() => void run(() => patchUser(id, { disabled: false }))}>
          Enable
        </Button>
      ) : (
        <ConfirmButton
          label="Disable"
          ariaLabel={`Disable ${email}`}
          title={`Disable ${email}?`}
          body={<p>They are signed out at their next request and their API tokens stop working. Their team memberships stay; enable them again at any time.</p>}
          confirmLabel="Disable user"
          disabledReason={isSelf ? SELF : undefined}
          onConfirm={() => patchUser(id, { disabled: true })}
        />
      )}
      {isAdmin ? (
        <Button
          size="sm"
          disabled={pending}
          disabledReason={isSelf ? SELF : undefined}
          aria-label={`Remove admin: ${email}`}
          onClick={() => void run(() => patchUser(id, { isAdmin: false }))}
        >
          Remove admin
        </Button>
      ) : (
        <ConfirmButton
          label="Make admin"
          ariaLabel={`Make admin: ${email}`}
          title={`Make ${email} a platform admin?`}
          body={<p>Admins see and change every team, user and host on this console.</p>}
          confirmLabel="Make admin"
          variant="secondary"
          onConfirm={() => patchUser(id, { isAdmin: true })}
        />
      )}
      {resetLink && (
        <div className="w-full text-left">
          <OneUseLink link={resetLink} what={`Send this link to ${email} to choose a new password.`} />
        </div>
      )}
      {error && (
        <p role="alert" className="w-full text-right text-xs text-red-700 dark:text-red-300">
          {error}
        </p>
      )}
    </div>
  );
}
