import { getSessionCookie } from 'better-auth/cookies';
import { NextResponse, type NextRequest } from 'next/server';
import { COOKIE_PREFIX } from './lib/auth-cookie';

/**
 * An optimistic check only: without a session cookie, /console/* goes to the sign-in page at once.
 * Whether the cookie is a live session, and what its user may see, the pages check against the
 * database (src/app/console/page-session.ts).
 */
export function proxy(request: NextRequest) {
  if (getSessionCookie(request, { cookiePrefix: COOKIE_PREFIX })) return NextResponse.next();
  const signIn = new URL('/sign-in', request.url);
  signIn.searchParams.set('next', request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.redirect(signIn);
}

export const config = { matcher: ['/console', '/console/:path*'] };
