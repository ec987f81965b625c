import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/lib/http/security-headers';
import { ensureProductionBuild } from '../../src/lib/next-build';
import { DEMO_OPERATOR } from '../../src/lib/seed/demo-data';
import { fillRoute, pageRoutes } from '../setup/page-routes';
import { ROOT, signInOverHttp, startServer, type StartedServer } from '../setup/server';

// Every page (from src/app) and every API operation (from the OpenAPI document) on the real server in
// production mode: each answer carries the security headers, a page's scripts all carry the nonce of
// its Content-Security-Policy, and org data is never cacheable (docs/decisions/027-security-headers.md).

const PASSWORD = 'security headers operator password';

type Csp = Map<string, string[]>;

function parseCsp(header: string | null): Csp {
  const csp: Csp = new Map();
  for (const directive of (header ?? '').split(';')) {
    const [name, ...values] = directive.trim().split(/\s+/);
    if (name) csp.set(name.toLowerCase(), values);
  }
  return csp;
}

/** What is wrong with a response's headers, in words (empty when nothing is). */
function commonProblems(response: Response): string[] {
  const h = response.headers;
  const problems: string[] = [];
  if (h.get('x-content-type-options') !== 'nosniff') problems.push('X-Content-Type-Options is not nosniff');
  if (h.get('referrer-policy') !== 'strict-origin-when-cross-origin') problems.push('Referrer-Policy');
  if (h.get('x-frame-options') !== 'DENY') problems.push('X-Frame-Options is not DENY');
  if (!/^max-age=\d{8,}; includeSubDomains$/.test(h.get('strict-transport-security') ?? ''))
    problems.push('Strict-Transport-Security (production) is missing or short');
  const csp = parseCsp(h.get('content-security-policy'));
  if (csp.get('frame-ancestors')?.join(' ') !== "'none'") problems.push("CSP frame-ancestors is not 'none'");
  return problems;
}

/** The problems of an answer that is not a page: it may load and run nothing. */
function nonPageProblems(response: Response): string[] {
  const csp = parseCsp(response.headers.get('content-security-policy'));
  const problems = commonProblems(response);
  if (csp.get('default-src')?.join(' ') !== "'none'") problems.push("CSP default-src is not 'none'");
  return problems;
}

/** The problems of a page: its policy allows scripts by nonce alone, and every script has that nonce. */
function pageProblems(response: Response, html: string): string[] {
  const problems = commonProblems(response);
  const csp = parseCsp(response.headers.get('content-security-policy'));
  const scriptSrc = csp.get('script-src') ?? [];
  const nonce = /^'nonce-([A-Za-z0-9+/=]{22,})'$/.exec(
    scriptSrc.find((s) => s.startsWith("'nonce-")) ?? '',
  )?.[1];
  if (!nonce) problems.push(`script-src has no nonce: ${scriptSrc.join(' ')}`);
  if (!scriptSrc.includes("'strict-dynamic'")) problems.push("script-src lacks 'strict-dynamic'");
  for (const token of ["'unsafe-inline'", "'unsafe-eval'", '*', 'data:', 'http:', 'https:'])
    if (scriptSrc.includes(token)) problems.push(`script-src allows ${token}`);
  for (const [directive, value] of [
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'self'"],
    ['default-src', "'self'"],
  ] as const) {
    if (csp.get(directive)?.join(' ') !== value) problems.push(`CSP ${directive} is not ${value}`);
  }
  if (!/\bno-store\b/.test(response.headers.get('cache-control') ?? '')) problems.push('page is cacheable');
  const scripts = html.match(/<script\b[^>]*>/gi) ?? [];
  if (scripts.length === 0) problems.push('no <script> rendered (nothing to check the nonce against)');
  for (const tag of scripts) {
    const attribute = /\snonce="([^"]*)"/.exec(tag)?.[1];
    if (attribute !== nonce) problems.push(`script without the header's nonce: ${tag.slice(0, 120)}`);
  }
  return problems;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
}

describe('security headers on every response of npm start', () => {
  let dataDir: string;
  let server: StartedServer;
  let cookie: string;
  const params: Record<string, string> = {};

  const get = (p: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${p}`, { headers: { cookie, ...headers }, redirect: 'manual' });

  /** A signed-in GET, redirects followed by hand so that each hop's headers are checked as well. */
  const follow = async (p: string, headers: Record<string, string> = {}) => {
    const problems: string[] = [];
    let response = await get(p, headers);
    for (let hop = 0; response.status >= 300 && response.status < 400 && hop < 5; hop++) {
      problems.push(...commonProblems(response).map((problem) => `redirect ${hop + 1}: ${problem}`));
      await response.arrayBuffer();
      const location = new URL(response.headers.get('location')!, server.url);
      response = await get(location.pathname + location.search, headers);
    }
    return { response, problems };
  };

  beforeAll(async () => {
    ensureProductionBuild(ROOT, () => undefined);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-headers-'));
    server = await startServer({ DATA_DIR: dataDir, SEED_OPERATOR_PASSWORD: PASSWORD, JOBS_DISABLED: '1' });
    const session = await signInOverHttp(server.url, DEMO_OPERATOR.email, PASSWORD);
    cookie = `${session.name}=${session.value}`;
    const json = async <T>(p: string, init?: RequestInit): Promise<T> => {
      const response = await fetch(`${server.url}${p}`, {
        ...init,
        headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      });
      expect(response.status, p).toBeLessThan(300);
      return (await response.json()) as T;
    };
    type Items = { items: { id: string }[] };
    const me = await json<{ memberships: { orgId: string }[] }>('/api/me');
    params.orgId = me.memberships[0]!.orgId;
    const org = `/api/orgs/${params.orgId}`;
    params.participantId = (await json<Items>(`${org}/participants?limit=1`)).items[0]!.id;
    params.memberId = (await json<Items>(`${org}/members?limit=1`)).items[0]!.id;
    params.recommendationId = (await json<Items>(`${org}/recommendations?limit=1`)).items[0]!.id;
    const intervention = await json<{ id: string }>(`${org}/interventions`, {
      method: 'POST',
      body: JSON.stringify({
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [params.participantId],
        reason: 'Walk the security headers',
      }),
    });
    params.interventionId = intervention.id;
    // The demo org has no jobs: its route answers a 404 problem, which must carry the headers too.
    params.jobId = crypto.randomUUID();
    params.keyId = crypto.randomUUID();
    params.streamId = crypto.randomUUID();
    params.segment = 'active';
  }, 600_000);

  afterAll(() => {
    server?.child.kill('SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the pages in src/app', () => {
    const routes = pageRoutes();
    expect(routes).toContain('/');
    expect(routes).toContain('/sign-in');
    expect(routes).toContain('/console/[orgId]/participants/[participantId]');
    expect(routes).not.toContain('/console/[orgId]/(overview)');
  });

  it('every page: its scripts carry the nonce of its policy, a fresh one each time, and it is not cached', async () => {
    const failures: string[] = [];
    const nonces = new Set<string>();
    for (const route of pageRoutes()) {
      const url = fillRoute(route, params);
      // /console and the signed-in /sign-in redirect to the operator's org.
      const { response, problems } = await follow(url);
      if (response.status !== 200) failures.push(`${url}: status ${response.status}`);
      const html = await response.text();
      for (const problem of [...problems, ...pageProblems(response, html)])
        failures.push(`${url}: ${problem}`);
      nonces.add(response.headers.get('content-security-policy') ?? '');
    }
    expect(failures).toEqual([]);
    expect(nonces.size).toBe(pageRoutes().length);
  });

  it('the sign-in page signed out, a page that does not exist, and a navigation of the client router', async () => {
    const failures: string[] = [];
    const signedOut = await fetch(`${server.url}/sign-in`);
    failures.push(...pageProblems(signedOut, await signedOut.text()).map((p) => `sign-in: ${p}`));
    const missing = await get('/no-such-page');
    expect(missing.status).toBe(404);
    failures.push(...pageProblems(missing, await missing.text()).map((p) => `404: ${p}`));
    const navigation = await follow(`/console/${params.orgId}/members`, { rsc: '1' });
    expect(navigation.response.headers.get('content-type')).toContain('text/x-component');
    failures.push(
      ...[...navigation.problems, ...commonProblems(navigation.response)].map((p) => `RSC: ${p}`),
    );
    expect(failures).toEqual([]);
  });

  it('redirects and static files: the strict policy, and the build output keeps its long caching', async () => {
    const failures: string[] = [];
    const redirect = await fetch(`${server.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    failures.push(...nonPageProblems(redirect).map((p) => `redirect: ${p}`));
    const html = await (await fetch(`${server.url}/sign-in`)).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of new Set(assets)) {
      const response = await fetch(`${server.url}${asset}`);
      failures.push(...nonPageProblems(response).map((p) => `${asset}: ${p}`));
      expect(response.headers.get('cache-control'), asset).toBe('public, max-age=31536000, immutable');
    }
    const icon = await fetch(`${server.url}/icon.svg`);
    expect(icon.status).toBe(200);
    failures.push(...nonPageProblems(icon).map((p) => `icon: ${p}`));
    expect(failures).toEqual([]);
  });

  it('every API operation, read or refused, answers with the headers and Cache-Control: no-store', async () => {
    const document = (await (await get('/api/openapi.json')).json()) as OpenApiDocument;
    // Writes go to an org the operator is not in: each is refused as a problem and changes nothing.
    const strangerOrg = crypto.randomUUID();
    const failures: string[] = [];
    let operations = 0;
    for (const [template, methods] of Object.entries(document.paths)) {
      for (const method of Object.keys(methods)) {
        operations++;
        const read = method === 'get';
        const filled = template.replace(/\{(\w+)\}/g, (_, name: string) => {
          const value = name === 'orgId' && !read ? strangerOrg : params[name];
          if (value === undefined)
            throw new Error(`no value for {${name}} of ${template}: add one to the test`);
          return value;
        });
        const response = await fetch(`${server.url}${filled}`, {
          method: method.toUpperCase(),
          headers: {
            // Sign-in with a wrong password, sign-out without a session: neither ends the walk's session.
            ...(filled.startsWith('/api/auth/') ? {} : { cookie }),
            origin: server.url,
            'content-type': 'application/json',
          },
          body: read ? undefined : JSON.stringify({ email: 'nobody@example.com', password: 'wrong' }),
          redirect: 'manual',
        });
        await response.arrayBuffer();
        const label = `${method.toUpperCase()} ${filled} (${response.status})`;
        if (response.status >= 500) failures.push(`${label}: server error`);
        for (const problem of nonPageProblems(response)) failures.push(`${label}: ${problem}`);
        if (response.headers.get('cache-control') !== 'no-store') failures.push(`${label}: not no-store`);
      }
    }
    expect(operations).toBeGreaterThan(25);
    expect(failures).toEqual([]);
  });

  it('the API’s own refusals: unknown route, cross-site request, a body that is not JSON', async () => {
    const org = `/api/orgs/${params.orgId}`;
    const answers = [
      await get('/api/no-such-route'),
      await fetch(`${server.url}${org}/interventions`, {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
        body: '{}',
      }),
      await fetch(`${server.url}${org}/interventions`, {
        method: 'POST',
        headers: { cookie, origin: server.url, 'content-type': 'text/plain' },
        body: 'hello',
      }),
    ];
    expect(answers.map((a) => a.status)).toEqual([404, 403, 415]);
    const failures: string[] = [];
    for (const answer of answers) {
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      for (const problem of nonPageProblems(answer)) failures.push(`${answer.status}: ${problem}`);
      if (answer.headers.get('cache-control') !== 'no-store') failures.push(`${answer.status}: not no-store`);
    }
    expect(failures).toEqual([]);
  });

  it('HSTS only in production: a development server on http://localhost is not pinned to HTTPS', () => {
    expect(securityHeaders({ production: false })).not.toHaveProperty('Strict-Transport-Security');
    expect(securityHeaders({ production: true })).toHaveProperty('Strict-Transport-Security');
  });
});
