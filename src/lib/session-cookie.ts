import crypto from 'node:crypto';

// The session cookie read as better-auth reads it (better-call's getSignedCookie): the first cookie of
// the name, URI-decoded, `<token>.<base64 HMAC-SHA256 of the token>`. Kept apart from the auth library
// so that a request whose session needs nothing of the library is answered without it (decision 051).

/** The first value of cookie `name` in a Cookie header, decoded; null when there is none. */
export function readCookie(header: string, name: string): string | null {
  let index = 0;
  while (index < header.length) {
    const equals = header.indexOf('=', index);
    if (equals === -1) return null;
    let end = header.indexOf(';', index);
    if (end === -1) end = header.length;
    else if (end < equals) {
      index = header.lastIndexOf(';', equals - 1) + 1;
      continue;
    }
    if (header.slice(index, equals).trim() === name) {
      let value = header.slice(equals + 1, end).trim();
      if (value.charCodeAt(0) === 34) value = value.slice(1, -1);
      if (!value.includes('%')) return value;
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
    index = end + 1;
  }
  return null;
}

/** Whether any cookie's name starts with `prefix` (a chunked cookie is `<name>.0`, `<name>.1`, …). */
export function hasCookieStartingWith(header: string, prefix: string): boolean {
  return header.split(';').some((pair) => pair.trimStart().startsWith(prefix));
}

/** The token a signed cookie value carries, or null unless its signature is the secret's. */
export function verifiedToken(value: string, secret: string): string | null {
  const dot = value.lastIndexOf('.');
  if (dot < 1) return null;
  const token = value.slice(0, dot);
  const signature = Buffer.from(value.slice(dot + 1));
  if (signature.length !== 44) return null;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(token).digest('base64'));
  return crypto.timingSafeEqual(signature, expected) ? token : null;
}
