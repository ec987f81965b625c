// The suite's cases (issue 11's table): what the app is asked, what it is measured beside, and the
// target. Throughput cases load the app and the bare server with autocannon, alternating; latency cases
// time one request at a time beside the same SQL alone (the transaction the app ran it in, replayed);
// transfer cases read a large answer beside psql's `\copy`; run cases measure on their own
// (run-cases.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { OVERVIEW_COMMUNITIES, OVERVIEW_LINKS } from '../../src/lib/atlas/overview-limits';
import { encodeCursor } from '../../src/lib/pagination';
import { runChild } from '../bench-atlas';
import type { Fixture } from './fixture';
import type { SuiteOptions } from './options';
import type { CaseRow } from './row';
import { RUN_CASES } from './run-cases';
import { SIZES } from './sizes';

export interface CaseContext {
  fixture: Fixture;
  /** A statement as the tables' owner (finding a participant to ask about, a cursor). */
  owner: pg.Client;
}

interface CaseBase {
  name: string;
  summary: string;
  /** The app's path for this case. */
  path(ctx: CaseContext): Promise<string>;
}

export interface ThroughputCase extends CaseBase {
  kind: 'throughput';
  /** The bare server's route: its own health answer, or the app's statements replayed. */
  baseline: 'health' | 'replay';
  /** Least share of the baseline's requests a second. */
  minRatio: number;
  /** Most the app's p99 may be, as a multiple of the baseline's; null: not a target. */
  maxP99Ratio: number | null;
}

export interface LatencyCase extends CaseBase {
  kind: 'latency';
  /** Names of the statements that are the request's own work (decision 036's labels). */
  ownWork: RegExp;
  /** Most the app's median may exceed the SQL's median by, in ms. */
  overSqlMs: number;
  /** A bracket on the app's median, in ms, at size L; null: none. */
  largeP50Ms: number | null;
}

/** A large answer (the compact graph, an export) beside psql's `\copy` of the same rows and columns. */
export interface TransferCase extends CaseBase {
  kind: 'transfer';
  /** The SELECTs whose `\copy` (as the tables' owner, to /dev/null) is the baseline. */
  copies(ctx: CaseContext): string[];
  /** Most the app's median may be, as a multiple of the baseline's. */
  maxRatio: number;
  /** Most the app's resident memory may grow while answering, in MiB; null: not a target. */
  maxRssGrowthMiB: number | null;
  /** A bracket on the app's median, in ms, at every size; absent: none. */
  largeMs?: number;
  /** Also read twice at once: the memory's growth must stay under twice one read's. */
  twoAtOnce?: boolean;
}

/**
 * A case that measures on its own, once the HTTP cases are done and the suite's servers stopped: a job,
 * an import, a browser. It reports its rows, targets included.
 */
export interface RunCase {
  kind: 'run';
  name: string;
  summary: string;
  /** Its rows, but for the case's name, which the suite writes into each. */
  run(ctx: CaseContext, options: SuiteOptions, log: (line: string) => void): Promise<CaseRow[]>;
}

/** A case asked of the suite's app over HTTP. */
export type HttpCase = ThroughputCase | LatencyCase | TransferCase;
export type BenchCase = HttpCase | RunCase;

const org = (ctx: CaseContext) => `/api/orgs/${ctx.fixture.orgId}`;
/** The org's id as a SQL literal (a uuid the fixture made: no quoting to escape). */
const orgLiteral = (ctx: CaseContext) => `'${ctx.fixture.orgId}'::uuid`;

/** The org's latest succeeded Atlas run, as a SQL subquery. */
const latestAtlasRun = (ctx: CaseContext) =>
  `(SELECT id FROM jobs WHERE org_id = ${orgLiteral(ctx)} AND kind = 'atlas_run' AND status = 'succeeded'
    ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT 1)`;

/**
 * An Atlas run of the fixture's org, made once (the overview is its stored result): the job as the
 * server runs it, in a process of its own (scripts/bench-atlas-run.ts). Not in the fixture itself, so
 * that fixtures made before this case keep serving.
 */
export async function ensureAtlasRun(ctx: CaseContext): Promise<void> {
  const found = await ctx.owner.query(`SELECT 1 FROM jobs WHERE id = ${latestAtlasRun(ctx)}`);
  if (found.rowCount) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-bench-overview-'));
  try {
    const report = await runChild(
      { DATABASE_URL: ctx.fixture.ownerUrl },
      ctx.fixture.orgId,
      path.join(work, 'edges'),
    );
    if (report.status !== 'succeeded') throw new Error(`the fixture's Atlas run ${report.status}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A participant with `degree` connections (or the nearest to it), the same one every run. */
async function participantWithDegree(ctx: CaseContext, degree: number): Promise<string> {
  const found = await ctx.owner.query<{ id: string }>(
    `SELECT id FROM (
       SELECT from_participant_id AS id FROM relationships WHERE org_id = $1
       UNION ALL SELECT to_participant_id FROM relationships WHERE org_id = $1
     ) ends GROUP BY id ORDER BY abs(count(*) - $2), id LIMIT 1`,
    [ctx.fixture.orgId, degree],
  );
  return found.rows[0]!.id;
}

const HTTP_CASES: HttpCase[] = [
  {
    kind: 'throughput',
    name: 'health',
    summary: '/api/health beside bare node:http answering the same JSON after SELECT 1 (target ≥ 0.7×)',
    path: async () => '/api/health',
    baseline: 'health',
    minRatio: 0.7,
    maxP99Ratio: null,
  },
  {
    kind: 'throughput',
    name: 'detail',
    summary:
      'a participant with 32 connections, beside the bare server sending the same statements, audit insert included (target ≥ 0.8× req/s, p99 ≤ 2×, no errors)',
    path: async (ctx) => `${org(ctx)}/participants/${await participantWithDegree(ctx, 32)}`,
    baseline: 'replay',
    minRatio: 0.8,
    maxP99Ratio: 2,
  },
  {
    kind: 'latency',
    name: 'events-first',
    summary: 'the first page of events beside the same SQL alone (target ≤ SQL + 5 ms)',
    path: async (ctx) => `${org(ctx)}/events?limit=50`,
    ownWork: /^events\./,
    overSqlMs: 5,
    largeP50Ms: null,
  },
  {
    kind: 'latency',
    name: 'events-deep',
    summary:
      'a page of events 3M rows deep (or ¾ of the events at smaller sizes) beside the same SQL alone (target ≤ SQL + 5 ms)',
    path: async (ctx) => {
      const depth = Math.min(3_000_000, Math.floor(SIZES[ctx.fixture.size].events * 0.75));
      const row = await ctx.owner.query<{ at: string; id: string }>(
        `SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, id
         FROM events WHERE org_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
        [ctx.fixture.orgId, depth],
      );
      return `${org(ctx)}/events?limit=50&cursor=${encodeCursor(row.rows[0]!)}`;
    },
    ownWork: /^events\./,
    overSqlMs: 5,
    largeP50Ms: null,
  },
  {
    kind: 'latency',
    name: 'search',
    summary: 'participants ?q= a rare term beside the same SQL alone (target ≤ SQL + 5 ms; p50 ≤ 30 ms at L)',
    path: async (ctx) =>
      `${org(ctx)}/participants?limit=50&q=${encodeURIComponent(`p${Math.floor(SIZES[ctx.fixture.size].participants * 0.54321)}@`)}`,
    ownWork: /^participants\./,
    overSqlMs: 5,
    largeP50Ms: 30,
  },
  {
    kind: 'latency',
    name: 'segments',
    summary: 'the segment counts beside the same SQL alone (target ≤ SQL + 5 ms; p50 ≤ 50 ms at L)',
    path: async (ctx) => `${org(ctx)}/segments`,
    ownWork: /^segments\./,
    overSqlMs: 5,
    largeP50Ms: 50,
  },
  {
    kind: 'latency',
    name: 'hub',
    summary:
      'the best-connected participant at depth 2 beside the same SQL alone (target ≤ SQL + 5 ms; p50 ≤ 300 ms at L)',
    path: async (ctx) => {
      const hub = await participantWithDegree(ctx, 1_000_000_000);
      return `${org(ctx)}/graph?focus=${hub}&depth=2`;
    },
    ownWork: /^graph\./,
    overSqlMs: 5,
    largeP50Ms: 300,
  },
  {
    kind: 'transfer',
    name: 'graph-compact',
    summary:
      'the whole graph, format=compact, beside \\copy of the same columns (target ≤ 1.5×; server RSS growth ≤ 200 MB, and under twice that of one read with two at once)',
    path: async (ctx) => `${org(ctx)}/graph?format=compact`,
    copies: (ctx) => [
      `SELECT id, display_name, role, lifecycle_stage, last_activity_at, out_degree + in_degree FROM participants WHERE org_id = ${orgLiteral(ctx)}`,
      `SELECT from_participant_id, to_participant_id, type, confidence_score FROM relationships WHERE org_id = ${orgLiteral(ctx)}`,
    ],
    maxRatio: 1.5,
    maxRssGrowthMiB: 200,
    twoAtOnce: true,
  },
  {
    kind: 'transfer',
    name: 'overview',
    summary:
      "the community overview (the latest Atlas run's stored communities and links) beside \\copy of those rows (target ≤ 1.5×; p50 ≤ 300 ms)",
    path: async (ctx) => {
      await ensureAtlasRun(ctx);
      return `${org(ctx)}/graph?view=overview`;
    },
    // The rows the overview shows: the largest communities but those of one, and the strongest links
    // among them (src/lib/repositories/atlas-results-queries.ts).
    copies: (ctx) => [
      `SELECT * FROM atlas_communities WHERE org_id = ${orgLiteral(ctx)} AND job_id = ${latestAtlasRun(ctx)}
         AND community < ${OVERVIEW_COMMUNITIES} AND size > 1 ORDER BY community`,
      `SELECT * FROM atlas_community_links WHERE org_id = ${orgLiteral(ctx)} AND job_id = ${latestAtlasRun(ctx)}
         AND to_community < (SELECT count(*) FROM atlas_communities WHERE org_id = ${orgLiteral(ctx)}
                             AND job_id = ${latestAtlasRun(ctx)} AND community < ${OVERVIEW_COMMUNITIES} AND size > 1)
         ORDER BY count DESC, from_community, to_community LIMIT ${OVERVIEW_LINKS}`,
    ],
    maxRatio: 1.5,
    maxRssGrowthMiB: null,
    largeMs: 300,
  },
  {
    kind: 'transfer',
    name: 'export-events',
    summary:
      'every event as NDJSON beside \\copy of the same rows (target ≤ 2×, memory flat: growth ≤ 256 MB)',
    path: async (ctx) => `${org(ctx)}/events/export?format=ndjson`,
    copies: (ctx) => [
      `SELECT e.*, u.email FROM events e LEFT JOIN users u ON u.id = e.actor_user_id WHERE e.org_id = ${orgLiteral(ctx)} ORDER BY e.created_at DESC, e.id DESC`,
    ],
    maxRatio: 2,
    maxRssGrowthMiB: 256,
  },
  {
    kind: 'transfer',
    name: 'export-participants',
    summary:
      'every participant as CSV beside \\copy of the same rows (target ≤ 2×, memory flat: growth ≤ 256 MB)',
    path: async (ctx) => `${org(ctx)}/participants/export?format=csv`,
    copies: (ctx) => [`SELECT * FROM participants WHERE org_id = ${orgLiteral(ctx)} ORDER BY id`],
    maxRatio: 2,
    maxRssGrowthMiB: 256,
  },
];

export const CASES: BenchCase[] = [...HTTP_CASES, ...RUN_CASES];
