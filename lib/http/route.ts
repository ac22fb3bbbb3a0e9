import { NextResponse, type NextRequest } from "next/server";
import { ZodError, type ZodType, type z } from "zod";
import { authenticate, type TPrincipal } from "../auth/principal";
import { settings } from "../env";
import { AppError } from "../errors";
import { bodyLimitFor, jsonDepth, MAX_JSON_DEPTH, readLimitedText } from "./body-limit";

export interface TRouteContext<TBody, TQuery> {
  req: NextRequest;
  principal: TPrincipal;
  body: TBody;
  query: TQuery;
  params: Record<string, string>;
}

interface TRouteOptions<B extends ZodType | undefined, Q extends ZodType | undefined> {
  body?: B;
  query?: Q;
}

type TInfer<S> = S extends ZodType ? z.output<S> : undefined;
type TNextContext = { params: Promise<Record<string, string | string[]>> };

/** The client address as seen by server.ts (which overwrites any header a client sent). */
export function clientIp(req: Request): string | null {
  return req.headers.get("x-berth-client-ip");
}

export function json(data: unknown, status = 200, headers?: Record<string, string>): NextResponse {
  return NextResponse.json(data, { status, headers });
}

export function errorResponse(err: unknown): NextResponse {
  if (err instanceof AppError) {
    const retry = err.details?.retryAfterSeconds;
    return json({ error: err.toJSON() }, err.status, retry ? { "Retry-After": String(retry) } : undefined);
  }
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const first = issues[0];
    const message = first ? `${first.path || "body"}: ${first.message}` : "Invalid request";
    return json({ error: { code: "VALIDATION", message, details: { issues } } }, 400);
  }
  console.error("unhandled error in route handler", err);
  return json({ error: { code: "INTERNAL", message: "Internal error; see the console log" } }, 500);
}

async function readBody(req: NextRequest): Promise<unknown> {
  // server.ts refused a too-long Content-Length already; a chunked body is counted as it comes.
  const max = bodyLimitFor(req.nextUrl.pathname) ?? settings().BERTH_MAX_BODY_BYTES;
  const text = await readLimitedText(req.body, max);
  if (!text.trim()) return {};
  if (jsonDepth(text) > MAX_JSON_DEPTH) throw new AppError("VALIDATION", `Body nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "Body is not valid JSON");
  }
}

function flatParams(raw: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
}

async function principalFor(req: NextRequest): Promise<TPrincipal> {
  return authenticate({
    authorization: req.headers.get("authorization"),
    cookieHeader: req.headers.get("cookie"),
    origin: req.headers.get("origin"),
    ip: clientIp(req),
    requireOrigin: !["GET", "HEAD", "OPTIONS"].includes(req.method),
  });
}

/**
 * Every /api/v1 handler: authenticate → parse body and query (strict zod) → run the use case →
 * map errors in one place. Authorization itself is the use case's first call into lib/auth.
 */
export function route<B extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined>(
  options: TRouteOptions<B, Q>,
  handler: (ctx: TRouteContext<TInfer<B>, TInfer<Q>>) => Promise<unknown>,
) {
  return async (req: NextRequest, next: TNextContext): Promise<NextResponse> => {
    try {
      const principal = await principalFor(req);
      const body = options.body ? options.body.parse(await readBody(req)) : undefined;
      const query = options.query ? options.query.parse(Object.fromEntries(req.nextUrl.searchParams)) : undefined;
      const params = flatParams((await next.params) ?? {});
      const result = await handler({ req, principal, body: body as TInfer<B>, query: query as TInfer<Q>, params });
      if (result instanceof Response) return result as NextResponse;
      return json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For the few endpoints that authenticate by other means (login for a token, health). */
export function publicRoute<B extends ZodType | undefined = undefined>(
  options: { body?: B },
  handler: (ctx: { req: NextRequest; body: TInfer<B>; ip: string | null; params: Record<string, string> }) => Promise<unknown>,
) {
  return async (req: NextRequest, next?: TNextContext): Promise<NextResponse> => {
    try {
      const body = options.body ? options.body.parse(await readBody(req)) : undefined;
      const params = flatParams((await next?.params) ?? {});
      const result = await handler({ req, body: body as TInfer<B>, ip: clientIp(req), params });
      if (result instanceof Response) return result as NextResponse;
      return json(result ?? { ok: true });
    } catch (err) {
      return errorResponse(err);
    }
  };
}
