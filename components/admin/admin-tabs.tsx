import Link from "next/link";
import { Badge } from "../ui/badge";
import { cx } from "../ui/cx";

/** The admin pages side by side; the pending count says whether anything waits for a decision. */
export function AdminTabs({ current, pending }: { current: "users" | "approvals"; pending: number }) {
  const tab = (active: boolean) =>
    cx(
      "-mb-px inline-flex items-center gap-2 border-b-2 px-3 py-2 text-sm font-medium",
      active
        ? "border-blue-600 text-zinc-900 dark:border-blue-400 dark:text-white"
        : "border-transparent text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white",
    );
  return (
    <nav aria-label="Admin sections" className="mb-4 flex gap-2 border-b border-zinc-200 dark:border-zinc-800">
      <Link href="/admin" aria-current={current === "users" ? "page" : undefined} className={tab(current === "users")}>
        Users
      </Link>
      <Link href="/admin/approvals" aria-current={current === "approvals" ? "page" : undefined} className={tab(current === "approvals")}>
        Quota approvals
        {pending > 0 && (
          <Badge tone="info" dot={false}>
            {pending} pending
          </Badge>
        )}
      </Link>
    </nav>
  );
}
