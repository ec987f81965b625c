/** The prefix of our cookies; shared by the auth setup and the Next.js proxy (which must stay light). */
export const COOKIE_PREFIX = 'operator-console';
