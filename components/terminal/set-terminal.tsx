import { Terminal } from "./Terminal";

/**
 * The terminal of one business container of a set, or why there is none: the set page's tab and
 * the shell page show the same thing and say the same reasons.
 */
export function SetTerminal({ setId, container, state, canShell }: { setId: string; container: string; state: string | undefined; canShell: boolean }) {
  const disabledReason = !canShell
    ? "Terminals need the MEMBER role in this team; viewers can read logs."
    : state !== "Running"
      ? `Container ${container} is ${state ?? "missing"}; start the set to open a terminal.`
      : undefined;
  return <Terminal key={container} setId={setId} container={container} disabledReason={disabledReason} />;
}
