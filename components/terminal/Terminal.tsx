"use client";

import "@xterm/xterm/css/xterm.css";
import { useCallback, useEffect, useRef, useState } from "react";
import { acquireUiSocket, releaseUiSocket, routeTerminal } from "@/components/realtime/ui-socket";
import type { TAck } from "@/lib/protocol/events";

type TState =
  | { kind: "connecting" }
  | { kind: "open"; shell: string }
  | { kind: "reconnecting" }
  | { kind: "ended"; reason: string }
  | { kind: "refused"; message: string };

// A paste is sent in pieces that stay under the console's per-message cap (64 KiB) in UTF-8.
const INPUT_PIECE = 16 * 1024;

const TONE: Record<TState["kind"], string> = {
  connecting: "bg-blue-50 text-blue-800 ring-blue-600/30 dark:bg-blue-500/10 dark:text-blue-300",
  open: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-500/10 dark:text-emerald-300",
  reconnecting: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-500/10 dark:text-amber-300",
  ended: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300",
  refused: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-500/10 dark:text-red-300",
};

function describe(s: TState): string {
  switch (s.kind) {
    case "connecting":
      return "Connecting…";
    case "open":
      return `Connected · ${s.shell}`;
    case "reconnecting":
      return "Connection lost — reconnecting…";
    case "ended":
      return `Session ended: ${s.reason}`;
    case "refused":
      return `Cannot open a terminal: ${s.message}`;
  }
}

const BUTTON =
  "inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-2.5 text-xs font-medium text-zinc-900 hover:bg-zinc-50 " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800";

/**
 * An interactive shell in a business container (xterm.js over the `/ui` socket). Keys reach the
 * shell only while the terminal has focus; Ctrl+] hands focus back to the page. After a network
 * blip the socket reconnects by itself and a new session opens (the old shell ended with the
 * connection, by design: a session never outlives its browser); the terminal says so in place.
 */
export function Terminal({ setId, container, disabledReason }: { setId: string; container: string; disabledReason?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<TState>({ kind: "connecting" });
  const [focused, setFocused] = useState(false);
  const restart = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (disabledReason || !host.current) return;
    const el = host.current;
    let disposed = false;
    let sessionId: string | null = null;
    let hadSession = false;
    let cleanup: () => void = () => undefined;

    (async () => {
      // xterm touches `window` when it loads: import it in the browser only.
      const [{ Terminal: XTerm }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed) return;
      const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
      const term = new XTerm({
        cursorBlink: true,
        fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
        fontSize: 13,
        scrollback: 5000,
        theme: dark
          ? { background: "#09090b", foreground: "#e4e4e7", cursor: "#e4e4e7", selectionBackground: "#3f3f46" }
          : { background: "#18181b", foreground: "#f4f4f5", cursor: "#f4f4f5", selectionBackground: "#52525b" },
      });
      const fit = new FitAddon();
      term.loadAddon(fit);
      term.open(el);
      fit.fit();
      const note = (text: string) => term.write(`\r\n\x1b[33m[${text}]\x1b[0m\r\n`);
      term.attachCustomKeyEventHandler((e) => {
        if (e.type === "keydown" && e.ctrlKey && e.key === "]") {
          term.blur();
          return false;
        }
        return true;
      });
      term.textarea?.addEventListener("focus", () => setFocused(true));
      term.textarea?.addEventListener("blur", () => setFocused(false));

      const s = acquireUiSocket();
      let unroute: () => void = () => undefined;
      const forget = () => {
        unroute();
        sessionId = null;
      };
      const route = (id: string) => {
        unroute = routeTerminal(id, {
          // Acked once xterm has parsed it: the shell is paused while the browser is behind.
          output: (data, done) => term.write(typeof data === "string" ? data : new Uint8Array(data), done),
          exit: (e) => {
            forget();
            note(`session ended: ${e.reason}`);
            setState({ kind: "ended", reason: e.reason });
          },
        });
      };

      const openSession = () => {
        if (sessionId || !s.connected) return;
        setState({ kind: "connecting" });
        s.timeout(25_000).emit("terminal:open", { setId, container, cols: term.cols, rows: term.rows }, (err: Error | null, ack: TAck<{ sessionId: string; shell?: string }>) => {
          if (disposed) {
            // Unmounted while it opened: the shell must not stay behind.
            if (!err && ack.ok) s.emit("terminal:close", { sessionId: ack.data.sessionId });
            return;
          }
          if (err) return setState({ kind: "refused", message: "the console did not answer in time" });
          if (!ack.ok) return setState({ kind: "refused", message: ack.error.message });
          sessionId = ack.data.sessionId;
          // In this callback, before the next packet: output right behind the answer finds its route.
          route(sessionId);
          if (hadSession) note("reconnected: this is a new shell session");
          hadSession = true;
          setState({ kind: "open", shell: ack.data.shell ?? "shell" });
        });
      };
      restart.current = () => {
        if (sessionId) s.emit("terminal:close", { sessionId });
        forget();
        term.reset();
        openSession();
        term.focus();
      };

      const onDisconnect = (reason: string) => {
        if (disposed || reason === "io client disconnect") return;
        if (sessionId) note("connection lost — reconnecting…");
        forget();
        setState({ kind: "reconnecting" });
      };
      const onConnectError = (err: Error) => {
        if (!s.active) setState({ kind: "refused", message: err.message });
        else setState({ kind: "reconnecting" });
      };
      s.on("connect", openSession);
      s.on("disconnect", onDisconnect);
      s.on("connect_error", onConnectError);
      // The tab's socket may be up already (set events opened it): no connect event is coming then.
      openSession();

      const send = (data: string | Uint8Array) => {
        if (!sessionId) return;
        for (let i = 0; i < data.length; i += INPUT_PIECE) s.emit("terminal:input", { sessionId, data: data.slice(i, i + INPUT_PIECE) });
      };
      const onData = term.onData((d) => send(d));
      const onBinary = term.onBinary((d) => send(Uint8Array.from(d, (ch) => ch.charCodeAt(0))));
      const onResize = term.onResize(({ cols, rows }) => sessionId && s.emit("terminal:resize", { sessionId, cols, rows }));
      const ro = new ResizeObserver(() => fit.fit());
      ro.observe(el);

      cleanup = () => {
        ro.disconnect();
        onData.dispose();
        onBinary.dispose();
        onResize.dispose();
        if (sessionId) s.emit("terminal:close", { sessionId });
        forget();
        s.off("connect", openSession);
        s.off("disconnect", onDisconnect);
        s.off("connect_error", onConnectError);
        releaseUiSocket();
        term.dispose();
      };
    })().catch((err: unknown) => setState({ kind: "refused", message: `the terminal failed to start (${(err as Error).message})` }));

    return () => {
      disposed = true;
      cleanup();
    };
  }, [setId, container, disabledReason]);

  const newSession = useCallback(() => restart.current(), []);

  if (disabledReason) {
    return (
      <p className="rounded-md border border-zinc-200 bg-zinc-50 px-3 py-6 text-center text-sm text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400">
        {disabledReason}
      </p>
    );
  }

  return (
    <section className="flex flex-col gap-2" aria-label={`Terminal in ${container}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span role="status" className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${TONE[state.kind]}`}>
          {describe(state)}
        </span>
        {(state.kind === "ended" || state.kind === "refused") && (
          <button type="button" className={BUTTON} onClick={newSession}>
            New session
          </button>
        )}
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">
          {focused ? "Keys go to the shell · Ctrl+] to leave" : "Click the terminal (or Tab to it) to type"}
        </span>
      </div>
      <div
        ref={host}
        className={`h-[26rem] overflow-hidden rounded-md bg-zinc-900 p-2 dark:bg-zinc-950 ${focused ? "ring-2 ring-blue-500" : "ring-1 ring-zinc-300 dark:ring-zinc-700"}`}
      />
    </section>
  );
}
