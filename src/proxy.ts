import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';
import { COOKIE_PREFIX } from './lib/auth-cookie';
import { NONCE_HEADER, newNonce, pageContentSecurityPolicy } from './lib/http/security-headers';

/**
 * Every page request gets a fresh nonce: Next.js reads it from the request's Content-Security-Policy
 * and puts it on its own scripts, and the root layout reads x-nonce for the theme script.
 *
 * For /console/* it is also an optimistic check only: without a session cookie, the sign-in page at
 * once. Whether the cookie is a live session, and what its user may see, the pages check against the
 * database (src/app/console/page-guard.ts).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isConsole = pathname === '/console' || pathname.startsWith('/console/');
  if (isConsole && !getSessionCookie(request, { cookiePrefix: COOKIE_PREFIX })) {
    const signIn = new URL('/sign-in', request.url);
    signIn.searchParams.set('next', pathname + search);
    return NextResponse.redirect(signIn);
  }
  const nonce = newNonce();
  const policy = pageContentSecurityPolicy(nonce, { development: process.env.NODE_ENV === 'development' });
  const headers = new Headers(request.headers);
  headers.set(NONCE_HEADER, nonce);
  headers.set('Content-Security-Policy', policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', policy);
  return response;
}

// Pages only: the API is Hono's (src/server.ts never hands /api to Next.js), and Next.js's build
// output and the icon are files that run no script (they keep the server's strict policy).
export const config = { matcher: ['/((?!api(?:/|$)|_next/static/|_next/image|icon\\.svg).*)'] };
