"use client";

import { actionWord } from "@/lib/ui/action-progress";
import { Badge, StateBadge } from "../ui/badge";
import { useActionProgress } from "./set-action-store";

/** The set's state, or what is happening to it while a start, stop or restart runs from this page. */
export function SetStateBadge({ setId, state }: { setId: string; state: string }) {
  const progress = useActionProgress(setId);
  if (progress?.phase === "working") return <Badge tone="info">{actionWord(progress)}</Badge>;
  return <StateBadge state={state} />;
}
