import { randomBytes, randomInt } from "node:crypto";
import { expect } from "vitest";
import { ZErrorBody } from "@/lib/protocol/api";
import { ApiClient } from "./api-client";

export interface TApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
  text: string;
}

export interface TApiAuth {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** A whole `Cookie` header value (see sessionLogin). */
  cookie?: string;
  /** Sent as `Origin`; omitted when undefined. */
  origin?: string;
  /** Sent as `X-Forwarded-For` (the console under test trusts it: BERTH_TRUST_PROXY=1). */
  ip?: string;
  headers?: Record<string, string>;
}

/** A short random suffix for slugs and emails, so test files can share one console. */
export function uid(prefix = "t"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

export function uniqueEmail(prefix = "user"): string {
  return `${uid(prefix)}@berth.test`;
}

/**
 * A client address of its own (198.18.0.0/15, the benchmarking range: never routed, only ever a
 * header value here), so the per-IP login limiter of one test does not see another's failures.
 */
export function uniqueIp(): string {
  return `198.${18 + randomInt(2)}.${randomInt(256)}.${1 + randomInt(254)}`;
}

/** fetch against the console with optional bearer token, cookie, Origin and client IP. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly auth: TApiAuth = {},
  ) {}

  with(more: TApiAuth): Api {
    return new Api(this.baseUrl, { ...this.auth, ...more, headers: { ...this.auth.headers, ...more.headers } });
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    init: { headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<TApiResponse> {
    const headers: Record<string, string> = { accept: "application/json", ...this.auth.headers, ...init.headers };
    if (this.auth.token) headers.authorization = `Bearer ${this.auth.token}`;
    if (this.auth.cookie) headers.cookie = this.auth.cookie;
    if (this.auth.origin !== undefined) headers.origin = this.auth.origin;
    if (this.auth.ip) headers["x-forwarded-for"] = this.auth.ip;
    let payload: string | undefined = init.rawBody;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body: payload, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get("content-type") ?? "").includes("json") && text) {
      parsed = JSON.parse(text) as unknown;
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  get(path: string): Promise<TApiResponse> {
    return this.request("GET", path);
  }
  post(path: string, body?: unknown): Promise<TApiResponse> {
    return this.request("POST", path, body ?? {});
  }
  patch(path: string, body?: unknown): Promise<TApiResponse> {
    return this.request("PATCH", path, body ?? {});
  }
  put(path: string, body?: unknown): Promise<TApiResponse> {
    return this.request("PUT", path, body ?? {});
  }
  delete(path: string): Promise<TApiResponse> {
    return this.request("DELETE", path);
  }
}

/** Asserts status and error code, and returns the parsed `{error}` body. */
export function expectError(res: TApiResponse, status: number, code: string) {
  expect({ status: res.status, body: res.body }).toMatchObject({ status, body: { error: { code } } });
  return ZErrorBody.parse(res.body).error;
}

/** Asserts the status (showing the body when it differs) and returns the body. */
export function expectStatus(res: TApiResponse, status: number): unknown {
  expect({ status: res.status, body: res.body }).toMatchObject({ status });
  return res.body;
}

export interface TTokenOptions {
  ip?: string;
  name?: string;
  expiresInDays?: number;
}

/** POST /api/v1/auth/token from an address of its own; throws unless it answers 201. */
export async function createToken(
  baseUrl: string,
  email: string,
  password: string,
  opts: TTokenOptions = {},
): Promise<{ id: string; token: string }> {
  return new ApiClient(new Api(baseUrl, { ip: opts.ip ?? uniqueIp() })).ok("createTokenWithPassword", {
    body: { email, password, name: opts.name ?? "test", ...(opts.expiresInDays ? { expiresInDays: opts.expiresInDays } : {}) },
  });
}

const adminTokens = new Map<string, Promise<string>>();

/** An Api acting as the console's first admin with a bearer token (one token per test worker). */
export async function adminApi(c: { url: string; adminEmail: string; adminPassword: string }): Promise<Api> {
  let token = adminTokens.get(c.url);
  if (!token) {
    token = createToken(c.url, c.adminEmail, c.adminPassword, { name: "admin-test" }).then((t) => t.token);
    adminTokens.set(c.url, token);
  }
  return new Api(c.url, { token: await token });
}

/** A minimal cookie jar: name → value, fed from Set-Cookie headers. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /;\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(line);
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

export interface TSessionAttempt {
  status: number;
  body: unknown;
  headers: Headers;
  jar: CookieJar;
  /** The next-auth session cookie value, when the login succeeded. */
  sessionToken: string | null;
}

export const SESSION_COOKIE = "next-auth.session-token";

/**
 * The browser's credentials login, done by hand: GET /api/auth/csrf (token + csrf cookie), then
 * POST /api/auth/callback/credentials as a form with that token. `json=true` makes next-auth answer
 * JSON instead of redirecting.
 */
export async function sessionLoginAttempt(
  baseUrl: string,
  email: string,
  password: string,
  opts: { ip?: string } = {},
): Promise<TSessionAttempt> {
  const ip = opts.ip ?? uniqueIp();
  const jar = new CookieJar();
  const csrfRes = await fetch(new URL("/api/auth/csrf", baseUrl), { headers: { "x-forwarded-for": ip } });
  jar.take(csrfRes.headers);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: baseUrl });
  const res = await fetch(new URL("/api/auth/callback/credentials", baseUrl), {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: jar.header(),
      "x-forwarded-for": ip,
    },
    body: form.toString(),
  });
  jar.take(res.headers);
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get("content-type") ?? "").includes("json") && text) body = JSON.parse(text) as unknown;
  return { status: res.status, body, headers: res.headers, jar, sessionToken: jar.cookies.get(SESSION_COOKIE) ?? null };
}

/** A successful cookie login; returns the `Cookie` header to send (session + csrf cookies). */
export async function sessionLogin(baseUrl: string, email: string, password: string, opts: { ip?: string } = {}): Promise<string> {
  const attempt = await sessionLoginAttempt(baseUrl, email, password, opts);
  if (!attempt.sessionToken) {
    throw new Error(`session login for ${email} failed: HTTP ${attempt.status} ${JSON.stringify(attempt.body)}`);
  }
  return attempt.jar.header();
}
