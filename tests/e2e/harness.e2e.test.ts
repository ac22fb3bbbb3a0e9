import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Request } from "playwright-core";
import { ZMe, ZTeam } from "@/lib/protocol/api";
import { adminApi, expectStatus, uid, uniqueIp } from "../helpers/api";
import { browserLogin, launchBrowser } from "../helpers/browser";
import { freePort } from "../helpers/console";
import { consoleInfo } from "../helpers/context";

/**
 * The browser side of the foundation: a real Chromium, a real session cookie, and the Origin
 * check doing its job against a page of another origin on the same machine.
 */
const c = consoleInfo();
let browser: Browser;
let attacker: Server;
let attackerUrl: string;

beforeAll(async () => {
  browser = await launchBrowser();
  const port = await freePort();
  attackerUrl = `http://localhost:${port}`;
  attacker = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title><p>another origin</p>");
  });
  await new Promise<void>((resolve) => attacker.listen(port, "127.0.0.1", resolve));
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (attacker ? attacker.close(() => resolve()) : resolve()));
});

describe("browser session", () => {
  it("signs in, and same-origin fetches from a console page read and write with the cookie", async () => {
    const context = await browser.newContext();
    try {
      expect(await browserLogin(context, c.url, c.adminEmail, c.adminPassword, { ip: uniqueIp() })).toBe(200);
      const cookies = await context.cookies(c.url);
      expect(cookies.map((k) => k.name)).toContain("next-auth.session-token");
      expect(cookies.find((k) => k.name === "next-auth.session-token")).toMatchObject({ httpOnly: true, sameSite: "Lax" });

      const page = await context.newPage();
      await page.goto(`${c.url}/api/health`);
      const slug = uid("browser");
      const result = await page.evaluate(async (s) => {
        const me = await fetch("/api/v1/me").then((r) => r.json() as Promise<unknown>);
        const created = await fetch("/api/v1/teams", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ slug: s, name: "From the browser" }),
        });
        return { me, status: created.status, team: (await created.json()) as unknown };
      }, slug);
      expect(ZMe.parse(result.me).email).toBe(c.adminEmail);
      expect(result.status).toBe(201);
      expect(ZTeam.parse(result.team).slug).toBe(slug);
    } finally {
      await context.close();
    }
  });

  it("a page of another origin cannot write with the victim's cookie (CSRF): 403 and nothing created", async () => {
    const context = await browser.newContext();
    try {
      expect(await browserLogin(context, c.url, c.adminEmail, c.adminPassword, { ip: uniqueIp() })).toBe(200);
      const page = await context.newPage();
      await page.goto(attackerUrl);
      const slug = uid("csrf");
      // text/plain + no-cors: a "simple" request, sent without preflight, cookies included
      // (localhost on another port is the same site, so SameSite=Lax does not stop it).
      const requests: Request[] = [];
      page.on("request", (r) => {
        if (r.url().startsWith(`${c.url}/api/v1/teams`)) requests.push(r);
      });
      await page.evaluate(
        async ({ target, s }) => {
          await fetch(`${target}/api/v1/teams`, {
            method: "POST",
            mode: "no-cors",
            credentials: "include",
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ slug: s, name: "Forged" }),
          });
        },
        { target: c.url, s: slug },
      );
      // The browser did send it, and the answer was 403, not 401: the session cookie came along
      // (without one the console answers 401 before looking at Origin), and this admin may create
      // teams, so the only 403 left is BAD_ORIGIN. (An opaque response's body is not readable.)
      expect(requests).toHaveLength(1);
      expect((await requests[0].response())?.status()).toBe(403);
      const admin = await adminApi(c);
      expect((await admin.get(`/api/v1/teams/${slug}`)).status).toBe(404);
      // The same forged request from the console's own origin would have gone through:
      // the Origin check, not some other accident, is what stopped it.
      const ownPage = await context.newPage();
      await ownPage.goto(`${c.url}/api/health`);
      const status = await ownPage.evaluate(async (s) => {
        const r = await fetch("/api/v1/teams", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ slug: s, name: "Own" }) });
        return r.status;
      }, slug);
      expect(status).toBe(201);
      expectStatus(await admin.get(`/api/v1/teams/${slug}`), 200);
    } finally {
      await context.close();
    }
  });
});
