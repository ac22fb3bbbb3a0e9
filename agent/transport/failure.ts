import type { TAckError } from "../../lib/protocol/ack";

/** What the agent did not expect is, in practice, Docker failing: the console sees Docker's words. */
export function dockerFailure(err: unknown): TAckError {
  return { code: "DOCKER", message: err instanceof Error ? err.message : String(err) };
}
