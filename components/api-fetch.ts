"use client";

import type { z } from "zod";
import { ZErrorBody } from "@/lib/protocol/api";

/** A failed API call, carrying the server's code and its human message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type TMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

async function call(method: TMethod, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "NETWORK", `Could not reach the console (${(err as Error).message}); check the connection and try again`);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null; // a proxy's HTML error page; the status line below still explains it
    }
  }
  if (res.ok) return data;
  const parsed = ZErrorBody.safeParse(data);
  const error = parsed.success
    ? new ApiError(res.status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details)
    : new ApiError(res.status, "HTTP", `The console answered ${res.status} ${res.statusText}`.trim());
  if (res.status === 401) {
    // The session ended (expired, or the user was disabled): the login page says so.
    window.location.assign("/login?error=SessionExpired");
  }
  throw error;
}

interface TInit {
  method?: TMethod;
  body?: unknown;
}

/** Calls /api/v1 and parses the answer with `schema`; throws ApiError with the server's message. */
export async function apiFetch<S extends z.ZodType>(path: string, init: TInit & { schema: S }): Promise<z.output<S>>;
export async function apiFetch(path: string, init?: TInit): Promise<unknown>;
export async function apiFetch(path: string, init: TInit & { schema?: z.ZodType } = {}): Promise<unknown> {
  const data = await call(init.method ?? "GET", path, init.body);
  return init.schema ? init.schema.parse(data) : data;
}
