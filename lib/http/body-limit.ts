import { settings } from "../env";
import { AppError } from "../errors";

/** Routes that stream their body with a cap of their own (an image tarball is gigabytes). */
const OWN_LIMIT = [/^\/api\/v1\/teams\/[^/]+\/images\/upload$/];

/** The most bytes a request to `pathname` may send, or null when its route caps its own stream. */
export function bodyLimitFor(pathname: string): number | null {
  if (OWN_LIMIT.some((r) => r.test(pathname))) return null;
  return settings().BERTH_MAX_BODY_BYTES;
}

export function bodyTooLarge(max: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `The request body is larger than this console accepts (${max} bytes; BERTH_MAX_BODY_BYTES)`, { maxBytes: max });
}

/**
 * After a 413, what the client keeps sending is read and dropped — never kept — up to this many
 * times the cap or this long, so it can read the answer before the connection is cut (closing at
 * once resets a client still writing, and the kernel drops the unread 413 with it).
 */
export const DISCARD_AFTER_413 = { capMultiple: 32, ms: 2000 } as const;

/** Deeper JSON than any API body needs; a bound keeps parsing and validation cheap. */
export const MAX_JSON_DEPTH = 32;

/** The deepest nesting of arrays and objects in a JSON text (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) max = Math.max(max, ++depth);
    else if (ch === 0x7d || ch === 0x5d) depth--;
  }
  return max;
}

/** Reads a request body as text, refusing with 413 the moment it passes `max` bytes. */
export async function readLimitedText(body: ReadableStream<Uint8Array> | null, max: number): Promise<string> {
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      discardRest(reader, DISCARD_AFTER_413.capMultiple * max);
      throw bodyTooLarge(max);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The rest of a refused body, read and dropped in the background (see DISCARD_AFTER_413). */
function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, budgetBytes: number): void {
  const deadline = Date.now() + DISCARD_AFTER_413.ms;
  const drain = async (): Promise<void> => {
    let discarded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      discarded += value.byteLength;
      if (discarded > budgetBytes || Date.now() > deadline) {
        await reader.cancel();
        return;
      }
    }
  };
  // A client that hangs up mid-body ends the read with an error: expected, nothing to report.
  drain().catch((err: unknown) => void err);
}
