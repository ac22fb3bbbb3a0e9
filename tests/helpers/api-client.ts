import type { Api, TApiResponse } from "./api";
import { API_OPERATIONS, type TApiOperations } from "./generated/api-client";

type TOp = keyof TApiOperations;

/** What an operation needs: path parameters, query and body, each only when it has them. */
export type TCallArgs<K extends TOp> = (TApiOperations[K]["params"] extends undefined ? { params?: undefined } : { params: TApiOperations[K]["params"] }) &
  (TApiOperations[K]["query"] extends undefined ? { query?: undefined } : { query?: TApiOperations[K]["query"] }) &
  (TApiOperations[K]["body"] extends undefined ? { body?: undefined } : { body: TApiOperations[K]["body"] });

/** The path of an operation with its parameters filled in (each one URL-encoded). */
export function operationPath<K extends TOp>(op: K, params?: Record<string, string>, query?: Record<string, unknown>): string {
  const template: string = API_OPERATIONS[op].path;
  const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`${op}: path parameter ${name} missing`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

/**
 * The API by operationId, typed by the client generated from the OpenAPI document
 * (scripts/gen-api-client.ts): a renamed operation, a changed path or body shape fails to compile
 * here before it fails at run time.
 */
export class ApiClient {
  constructor(readonly api: Api) {}

  /** Calls the operation and returns the raw answer, whatever its status. */
  call<K extends TOp>(op: K, args: TCallArgs<K>): Promise<TApiResponse> {
    const { method } = API_OPERATIONS[op];
    return this.api.request(method, operationPath(op, args.params as Record<string, string> | undefined, args.query as Record<string, unknown> | undefined), args.body);
  }

  /** Calls the operation, requires its documented success status and returns the typed answer. */
  async ok<K extends TOp>(op: K, args: TCallArgs<K>): Promise<TApiOperations[K]["response"]> {
    const res = await this.call(op, args);
    const expected: number = API_OPERATIONS[op].status;
    if (res.status !== expected) throw new Error(`${op}: HTTP ${res.status} (expected ${expected}) ${res.text.slice(0, 500)}`);
    return res.body as TApiOperations[K]["response"];
  }
}
