/**
 * The policy for console pages. Scripts run only with this response's nonce ('strict-dynamic'
 * lets Next's nonce'd loader pull its chunks); style attributes stay allowed because React,
 * recharts and xterm set inline styles, which nonces cannot cover. Dev mode needs eval for
 * React's debugging and Fast Refresh.
 */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: unguessable per response, as a nonce must be. */
export function newNonce(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Headers on every answer, API and pages alike. HSTS only when the console is reached over HTTPS
 * (its public URL, or a trusted proxy saying so): over plain HTTP it would be ignored at best.
 */
export function baseSecurityHeaders(https: boolean): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000; includeSubDomains" } : {}),
  };
}
