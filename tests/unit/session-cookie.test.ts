import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hasCookieStartingWith, readCookie, verifiedToken } from '../../src/lib/session-cookie';

const SECRET = 'a secret of the auth library'.padEnd(48, 'x');
const sign = (token: string, secret = SECRET) =>
  `${token}.${crypto.createHmac('sha256', secret).update(token).digest('base64')}`;

describe('readCookie', () => {
  it('finds a cookie among others, trimmed, and takes the first of a repeated name', () => {
    expect(readCookie('a=1; session=two ;b=3', 'session')).toBe('two');
    expect(readCookie('session=first; session=second', 'session')).toBe('first');
    expect(readCookie('a=1; b=2', 'session')).toBeNull();
    expect(readCookie('', 'session')).toBeNull();
  });

  it('decodes a URI-encoded value, unquotes a quoted one and keeps one that does not decode', () => {
    expect(readCookie('session=abc%2Edef%3D', 'session')).toBe('abc.def=');
    expect(readCookie('session="quoted"', 'session')).toBe('quoted');
    expect(readCookie('session=100%', 'session')).toBe('100%');
  });

  it('does not take a name that only ends like the one asked for, or a pair without "="', () => {
    expect(readCookie('xsession=1; session=2', 'session')).toBe('2');
    expect(readCookie('flag; session=2', 'session')).toBe('2');
  });
});

describe('hasCookieStartingWith', () => {
  it('sees chunked cookies by their prefix', () => {
    expect(hasCookieStartingWith('a=1; data.0=x', 'data')).toBe(true);
    expect(hasCookieStartingWith('a=1; b=2', 'data')).toBe(false);
  });
});

describe('verifiedToken', () => {
  it('answers the token of a value signed with the secret', () => {
    expect(verifiedToken(sign('the-token'), SECRET)).toBe('the-token');
  });

  it('refuses another secret, a changed token, a cut signature and a value without one', () => {
    expect(verifiedToken(sign('the-token', 'another secret'.padEnd(48, 'y')), SECRET)).toBeNull();
    expect(verifiedToken(sign('the-token').replace('the-token', 'the-tokem'), SECRET)).toBeNull();
    expect(verifiedToken(sign('the-token').slice(0, -2), SECRET)).toBeNull();
    expect(verifiedToken('the-token', SECRET)).toBeNull();
    expect(verifiedToken('.signature', SECRET)).toBeNull();
  });
});
