"use client";

import { useState } from "react";
import { Button } from "./button";

export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // Plain-http consoles (an IP on a LAN) have no Clipboard API; the old selection copy still works there.
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy command refused");
}

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="inline-flex items-center gap-2">
      <Button
        size="sm"
        onClick={() => {
          copyText(value).then(
            () => setState("copied"),
            (err: unknown) => {
              console.warn("copy to clipboard failed", err);
              setState("failed");
            },
          );
        }}
      >
        {state === "copied" ? "Copied" : label}
      </Button>
      <span aria-live="polite" className="text-xs text-zinc-600 dark:text-zinc-400">
        {state === "copied" ? "Copied to clipboard" : state === "failed" ? "Copy failed — select the text and copy it by hand" : ""}
      </span>
    </span>
  );
}
