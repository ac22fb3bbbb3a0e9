/** Without a registry nothing can be pushed or pulled: says why, and the two ways to get one. */
export function RegistryUnavailable({ reason }: { reason: string | null }) {
  return (
    <div
      role="status"
      data-testid="registry-unavailable"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">No image registry: pushing, uploading and deleting images is off</p>
      {reason && <p className="break-words">{reason}</p>}
      <div>
        <p>To fix it, on the console&apos;s machine either</p>
        <ul className="mt-1 list-disc space-y-1 pl-5">
          <li>
            install Debian&apos;s registry: <code className="break-all font-mono">apt-get install docker-registry</code>, then restart Berth
            (it runs the registry itself), or
          </li>
          <li>
            set <code className="font-mono">BERTH_REGISTRY_URL</code> to a Distribution-compatible registry that trusts this console&apos;s tokens
            (its certificate is at <code className="break-all font-mono">/api/v1/registry/cert</code>), and restart Berth.
          </li>
        </ul>
      </div>
      <p className="text-xs">Tags listed on this page are the catalog as Berth last knew it; containers already running keep running.</p>
    </div>
  );
}
