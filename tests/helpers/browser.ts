import fs from "node:fs";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

export const CHROMIUM_PATH = process.env.BERTH_CHROMIUM ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The system Chromium driven by playwright-core (no browser download). Close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set BERTH_CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** Every Content-Security-Policy refusal seen by a watched context, with the page it happened on. */
export const cspViolations: string[] = [];

/** Records what the browser refuses under the console's CSP (browserLogin watches its context). */
export function watchCsp(context: BrowserContext): void {
  context.on("console", (msg) => {
    const text = msg.text();
    if (/Content Security Policy/i.test(text)) cspViolations.push(`${msg.page()?.url() ?? "?"}: ${text}`);
  });
}

/**
 * Signs `context` in through next-auth's credentials endpoint (csrf token, then the form POST),
 * so pages opened in it carry the session cookie. Returns the HTTP status of the login POST.
 * `ip` is sent as X-Forwarded-For so the per-IP login limiter of other tests does not interfere.
 */
export async function browserLogin(
  context: BrowserContext,
  baseUrl: string,
  email: string,
  password: string,
  opts: { ip?: string } = {},
): Promise<number> {
  watchCsp(context);
  const headers = opts.ip ? { "x-forwarded-for": opts.ip } : undefined;
  const csrf = await context.request.get(`${baseUrl}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await context.request.post(`${baseUrl}/api/auth/callback/credentials`, {
    form: { csrfToken, email, password, json: "true", callbackUrl: baseUrl },
    headers,
    maxRedirects: 0,
  });
  return res.status();
}
