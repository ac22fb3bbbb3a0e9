import { CopyButton } from "../ui/copy-button";

/** `sha256:0123456789ab…`: enough to tell digests apart at a glance, like `docker image ls`. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(":");
  const algo = colon >= 0 ? digest.slice(0, colon + 1) : "";
  return `${algo}${digest.slice(colon + 1, colon + 13)}…`;
}

/** A short digest with the full one on hover and a button that copies the full one. */
export function Digest({ digest }: { digest: string }) {
  return (
    <span className="inline-flex items-center gap-2">
      <code data-testid="image-digest" title={digest} className="font-mono text-xs">
        {shortDigest(digest)}
      </code>
      <CopyButton value={digest} label="Copy" />
    </span>
  );
}
