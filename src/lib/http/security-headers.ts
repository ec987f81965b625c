// The security headers of every response (docs/decisions/027-security-headers.md). src/server.ts puts
// SECURITY_HEADERS on every response before it dispatches; src/proxy.ts replaces the CSP of a page with
// one that carries the request's nonce; the API adds Cache-Control: no-store.

/** The request header through which src/proxy.ts hands the nonce to the root layout. */
export const NONCE_HEADER = 'x-nonce';

/**
 * Anything that is not a page (API answers, scripts, stylesheets, images, redirects) runs nothing and
 * loads nothing when opened on its own, and nothing may frame it.
 */
export const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers for every response. The Referrer-Policy cannot be no-referrer: under it browsers send
 * `Origin: null` on same-origin POSTs, and the API's CSRF check (src/api/csrf.ts) would refuse them.
 * HSTS only in production: a development server on http://localhost must not pin the host to HTTPS.
 */
export function securityHeaders({ production }: { production: boolean }): Record<string, string> {
  return {
    'Content-Security-Policy': NON_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'strict-origin-when-cross-origin',
    'X-Frame-Options': 'DENY',
    ...(production ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

/** 128 random bits, fresh for every page request. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * A page's policy. Scripts run only with the nonce; 'strict-dynamic' extends the trust to the chunks
 * Next.js's runtime loads. Styles need 'unsafe-inline' (React style attributes, recharts' and sonner's
 * injected <style>), and with a nonce in style-src browsers would ignore it, so styles get none.
 * The graph's ForceAtlas2 layout runs in a Worker made from a blob: URL. React's development build
 * uses eval for its error overlays, so development adds 'unsafe-eval'.
 */
export function pageContentSecurityPolicy(nonce: string, { development }: { development: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
