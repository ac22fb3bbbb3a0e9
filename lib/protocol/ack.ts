import { z } from "zod";

/**
 * Commands answer by acknowledgement, `{ok:true,data}` or `{ok:false,error}`, on both namespaces
 * and in the agent. This module is the one way to register such handlers and to turn an error
 * into an answer; it is shared by console, agent and browser, so it imports nothing server-side.
 */

export const ZAckError = z.object({ code: z.string().max(64), message: z.string().max(4000) });
export type TAckError = z.infer<typeof ZAckError>;
export type TAck<T> = { ok: true; data: T } | { ok: false; error: TAckError };
export type TAckFn<T> = (ack: TAck<T>) => void;

/** The envelope of an answer, checked on arrival; `data` is typed by the event map. */
export const ZAckEnvelope = z.union([z.object({ ok: z.literal(true), data: z.unknown() }), z.object({ ok: z.literal(false), error: ZAckError })]);

/** What an agent may answer a command with; anything else arrives as INTERNAL. */
export const ZAgentErrorCode = z.enum([
  "VALIDATION",
  "NOT_FOUND",
  "NOT_RUNNING",
  "NO_SHELL",
  "LIMIT",
  "WRONG_HOST",
  "IMAGE_UNAVAILABLE",
  "VOLUME_TOOLS_MISSING",
  "VOLUME_CHECK_FAILED",
  "VOLUME_FAILED",
  "VOLUME_EXISTS",
  "UNSUPPORTED",
  "CHECKSUM",
  "DOWNLOAD",
  "BROKEN_BUNDLE",
  "DOCKER",
  "INTERNAL",
]);
export type TAgentErrorCode = z.infer<typeof ZAgentErrorCode>;

/**
 * Marks an error class whose code and message are meant for the other side. A symbol from the
 * global registry, not `instanceof`: Next loads its own copy of server modules, and an error made
 * by one copy must still be recognised by the other.
 */
export const ACK_EXPOSED = Symbol.for("berth.ack-exposed");

export interface TExposedError {
  readonly code: string;
  readonly message: string;
  readonly [ACK_EXPOSED]: true;
}

export function isExposedError(err: unknown): err is TExposedError {
  return err instanceof Error && (err as Partial<TExposedError>)[ACK_EXPOSED] === true && typeof (err as Partial<TExposedError>).code === "string";
}

/** An unexpected failure is logged where it happened and answered without its details. */
function internal(err: unknown): TAckError {
  console.error("[ack] command failed", err);
  return { code: "INTERNAL", message: "Internal error" };
}

export function toAck(err: unknown, unexpected: (err: unknown) => TAckError = internal): TAck<never> {
  if (isExposedError(err)) return { ok: false, error: { code: err.code, message: err.message } };
  return { ok: false, error: unexpected(err) };
}

// ---- typed handler registration ----

/** The data a command's acknowledgement carries, read from its event-map signature. */
export type TAckData<F> = F extends (...args: infer A) => void ? (A extends [...unknown[], TAckFn<infer D>] ? D : never) : never;

/** The payload a command takes; `undefined` for one that takes none (`emit(event, ack)`). */
export type TCommandPayload<F> = F extends (...args: infer A) => void ? (A extends [infer P, unknown] ? P : undefined) : never;

/** Event names of a map whose last argument is an ack of `TAck` (commands). */
export type TCommandName<M> = { [K in keyof M]: [TAckData<M[K]>] extends [never] ? never : K }[keyof M] & string;

/** Event names of a map without such an ack (notifications). */
export type TNotificationName<M> = Exclude<keyof M & string, TCommandName<M>>;

/** The part of a Socket.IO socket (server or client side) that handlers need. */
interface TListenerHost {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export interface THandlers<M> {
  /**
   * `event` answers by ack: its payload is parsed with `schema` (VALIDATION on failure, `run` not
   * called), `run`'s result is the data, a thrown or rejected error goes through `toAck`. A call
   * without an ack function still runs (an unsubscribe nobody waits for must still unsubscribe).
   */
  command<E extends TCommandName<M>, S extends z.ZodType>(event: E, schema: S, run: (input: z.output<S>) => Promise<TAckData<M[E]>> | TAckData<M[E]>): void;
  /** A command without a payload (`socket.emit(event, ack)`). */
  query<E extends TCommandName<M>>(event: E, run: () => Promise<TAckData<M[E]>> | TAckData<M[E]>): void;
  /** `event` needs no answer: an invalid payload is counted in `onInvalid` and dropped. */
  notification<E extends TNotificationName<M>, S extends z.ZodType>(event: E, schema: S, run: (input: z.output<S>) => void): void;
}

export interface THandlerOptions {
  /** How an error that is not an exposed one is answered (and logged). */
  unexpected?: (err: unknown) => TAckError;
  /** Called with the event name when a payload fails its schema. */
  onInvalid?: (event: string, error: z.ZodError) => void;
}

/**
 * Handlers for the events a socket listens to, typed by that socket's event map `M` (the map of
 * events it receives).
 */
export function handlersOf<M>(socket: object, options: THandlerOptions = {}): THandlers<M> {
  const host = socket as TListenerHost;
  const unexpected = options.unexpected ?? internal;
  const answer = <T>(ack: TAckFn<T>, run: () => Promise<T> | T) => {
    let result: Promise<T>;
    try {
      result = Promise.resolve(run());
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (data) => ack({ ok: true, data }),
      (err: unknown) => ack(toAck(err, unexpected)),
    );
  };
  return {
    command(event, schema, run) {
      host.on(event, (payload: unknown, ack: unknown) => {
        const reply = typeof ack === "function" ? (ack as TAckFn<unknown>) : () => undefined;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          options.onInvalid?.(event, parsed.error);
          return reply({ ok: false, error: { code: "VALIDATION", message: z.prettifyError(parsed.error) } });
        }
        answer(reply, () => run(parsed.data));
      });
    },
    query(event, run) {
      host.on(event, (...args: unknown[]) => {
        const ack = args[args.length - 1];
        if (typeof ack !== "function") return;
        answer(ack as TAckFn<unknown>, run);
      });
    },
    notification(event, schema, run) {
      host.on(event, (payload: unknown) => {
        const parsed = schema.safeParse(payload);
        if (!parsed.success) {
          options.onInvalid?.(event, parsed.error);
          return;
        }
        run(parsed.data);
      });
    },
  };
}
