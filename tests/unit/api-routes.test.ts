import { describe, expect, it } from "vitest";
import { checkApiRoute } from "@/lib/http/api-routes";

describe("checkApiRoute", () => {
  it("passes listed paths with their methods, HEAD on GET routes, OPTIONS, next-auth and non-API paths", () => {
    expect(checkApiRoute("GET", "/api/v1/teams")).toEqual({ ok: true });
    expect(checkApiRoute("POST", "/api/v1/teams/pay/apps")).toEqual({ ok: true });
    expect(checkApiRoute("DELETE", "/api/v1/teams/pay/images/pay%2Fweb/tags/v1")).toEqual({ ok: true });
    expect(checkApiRoute("HEAD", "/api/health")).toEqual({ ok: true });
    expect(checkApiRoute("OPTIONS", "/api/v1/teams")).toEqual({ ok: true });
    expect(checkApiRoute("POST", "/api/auth/callback/credentials")).toEqual({ ok: true });
    expect(checkApiRoute("GET", "/teams/pay")).toEqual({ ok: true });
    expect(checkApiRoute("GET", "/api/v1/teams/")).toEqual({ ok: true });
    // A literal segment beside a parameter: both routes' methods count.
    expect(checkApiRoute("POST", "/api/v1/hosts/upgrade")).toEqual({ ok: true });
    expect(checkApiRoute("DELETE", "/api/v1/hosts/h1")).toEqual({ ok: true });
  });

  it("answers 404 for unknown paths and 405 with Allow for a known path's missing method", () => {
    expect(checkApiRoute("GET", "/api/v1/nope")).toEqual({ ok: false, status: 404 });
    expect(checkApiRoute("GET", "/api/v1/teams/pay/apps/web/extra/deep")).toEqual({ ok: false, status: 404 });
    expect(checkApiRoute("GET", "/api/v2/teams")).toEqual({ ok: false, status: 404 });
    expect(checkApiRoute("PUT", "/api/v1/teams")).toEqual({ ok: false, status: 405, allow: ["GET", "POST"] });
    expect(checkApiRoute("DELETE", "/api/health")).toEqual({ ok: false, status: 405, allow: ["GET"] });
  });
});
