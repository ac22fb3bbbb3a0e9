"use client";

import { useRouter } from "next/navigation";
import { ZSetView } from "@/lib/protocol/apps";
import { apiFetch } from "../api-fetch";
import { ConfirmButton } from "../ui/confirm-button";

/**
 * Admins only, for a set waiting for its lost host: start it elsewhere now, with an empty volume.
 * Its data stays on the lost host (in that host's recycle bin if it ever returns).
 */
export function RecoverSet({ setId, hostName }: { setId: string; hostName: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Recover elsewhere…"
      variant="danger"
      title="Start this set on another host without its data?"
      body={
        <>
          <p>
            The set waits for <strong>{hostName}</strong>, which holds its volume&apos;s data. Recovering it now places it on another host with an
            <strong> empty volume</strong>.
          </p>
          <p className="mt-2">If {hostName} returns, the old volume goes to its recycle bin, where it can still be restored. This is audited.</p>
        </>
      }
      confirmLabel="Recover without the data"
      onConfirm={async () => {
        await apiFetch(`/api/v1/sets/${encodeURIComponent(setId)}/recover`, { method: "POST", body: { acceptDataLoss: true }, schema: ZSetView });
        router.refresh();
      }}
    />
  );
}
