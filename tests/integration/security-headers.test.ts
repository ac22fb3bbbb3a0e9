import { describe, expect, it } from "vitest";
import { Api, adminApi, sessionLogin, uniqueIp } from "../helpers/api";
import { consoleInfo } from "../helpers/context";

const c = consoleInfo();

/** Each script element's opening tag (a script's own text may mention "<script>"; it is skipped). */
function scriptTags(html: string): string[] {
  return [...html.matchAll(/(<script\b[^>]*>)[\s\S]*?<\/script>/g)].map((m) => m[1]);
}

/** The nonce of a page's CSP header, after checking the rest of the script policy. */
function nonceOf(policy: string | null): string {
  expect(policy).toBeTruthy();
  const script = (policy ?? "").split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src ")) ?? "";
  expect(script).not.toContain("'unsafe-inline'");
  const nonce = /'nonce-([A-Za-z0-9+/=]{16,})'/.exec(script)?.[1];
  expect(nonce, script).toBeTruthy();
  return nonce ?? "";
}

describe("security headers", () => {
  it("a page carries a CSP with a fresh nonce per response that every script in it bears, and may not be framed", async () => {
    const anon = new Api(c.url, { ip: uniqueIp() });
    const first = await anon.request("GET", "/login", undefined, { headers: { accept: "text/html" } });
    const second = await anon.request("GET", "/login", undefined, { headers: { accept: "text/html" } });
    expect(first.status).toBe(200);
    const policy = first.headers.get("content-security-policy");
    const nonce = nonceOf(policy);
    expect(nonceOf(second.headers.get("content-security-policy"))).not.toBe(nonce);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'self'");
    const scripts = scriptTags(first.text);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    expect(first.headers.get("referrer-policy")).toBe("same-origin");
  });

  it("a signed-in console page is covered too", async () => {
    const cookie = await sessionLogin(c.url, c.adminEmail, c.adminPassword);
    const res = await new Api(c.url, { cookie, ip: uniqueIp() }).request("GET", "/tokens", undefined, { headers: { accept: "text/html" } });
    expect(res.status).toBe(200);
    const nonce = nonceOf(res.headers.get("content-security-policy"));
    const scripts = scriptTags(res.text);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("API answers (JSON, errors included) carry nosniff, no-referrer-leak and no-framing headers", async () => {
    const admin = await adminApi(c);
    for (const res of [await admin.get("/api/v1/me"), await new Api(c.url).get("/api/v1/me")]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("HSTS only when a trusted proxy says the browser came over HTTPS", async () => {
    const plain = await new Api(c.url, { ip: uniqueIp() }).get("/api/health");
    expect(plain.headers.get("strict-transport-security")).toBeNull();
    // The test console trusts one proxy hop; the proxy's own entry is the rightmost.
    const tls = await new Api(c.url, { ip: uniqueIp(), headers: { "x-forwarded-proto": "http, https" } }).get("/api/health");
    expect(tls.headers.get("strict-transport-security")).toMatch(/max-age=\d{7,}/);
    const spoofed = await new Api(c.url, { ip: uniqueIp(), headers: { "x-forwarded-proto": "https, http" } }).get("/api/health");
    expect(spoofed.headers.get("strict-transport-security")).toBeNull();
  });
});
