import crypto from 'node:crypto';
import { SYSTEM_PARTICIPANT_ROLE, type LifecycleStage } from '../domain';
import { createRandom, pickWeighted } from './random';
import type { Cell } from './bulk-load';

// A large org that looks like a real network: most people sit in communities of 20–400 and connect
// inside them, a few hubs are linked from everywhere, about 2% have no relationship at all, and
// activity is skewed (many recent, a long dormant tail, some never active). Edges are generated source
// by source, so duplicates are avoided with a small per-source set and the rows reach the database
// sorted by source, which keeps index inserts and foreign-key checks local.

export interface SyntheticOptions {
  participants: number;
  edges: number;
  seed: number;
  now: Date;
}

export const PARTICIPANT_COLUMNS = [
  { name: 'org_id', type: 'uuid' },
  { name: 'id', type: 'uuid' },
  { name: 'email', type: 'text' },
  { name: 'display_name', type: 'text' },
  { name: 'role', type: 'text' },
  { name: 'origin', type: 'text' },
  { name: 'lifecycle_stage', type: 'text' },
  { name: 'last_activity_at', type: 'timestamptz' },
  { name: 'created_at', type: 'timestamptz' },
] as const;

export const RELATIONSHIP_COLUMNS = [
  { name: 'org_id', type: 'uuid' },
  { name: 'id', type: 'uuid' },
  { name: 'from_participant_id', type: 'uuid' },
  { name: 'to_participant_id', type: 'uuid' },
  { name: 'type', type: 'text' },
  { name: 'source', type: 'text' },
  { name: 'confidence_score', type: 'float8' },
  { name: 'created_at', type: 'timestamptz' },
] as const;

const ROLES = [
  ['member', 50],
  ['customer', 20],
  ['contributor', 15],
  ['partner', 8],
  ['vendor', 5],
  ['advisor', 2],
] as const;
const ORIGINS = [
  ['web_signup', 40],
  ['crm_import', 30],
  ['event', 15],
  ['integration', 10],
  ['manual', 5],
] as const;
const EDGE_TYPES = [
  ['communicates_with', 45],
  ['collaborates_with', 25],
  ['co_attended', 15],
  ['knows', 10],
  ['advises', 5],
] as const;
const EDGE_SOURCES = [
  ['email', 45],
  ['calendar', 25],
  ['crm_import', 20],
  ['manual', 10],
] as const;
const FIRST = [
  'Ada',
  'Bo',
  'Cai',
  'Dara',
  'Eli',
  'Fern',
  'Gus',
  'Hana',
  'Ivo',
  'Jun',
  'Kai',
  'Lea',
  'Milo',
  'Nia',
  'Oli',
  'Pia',
  'Quin',
  'Rae',
  'Sol',
  'Tess',
  'Uma',
  'Vik',
  'Wren',
  'Xan',
  'Yara',
  'Zed',
];
const LAST = [
  'Abara',
  'Berg',
  'Costa',
  'Diaz',
  'Eze',
  'Fischer',
  'Gupta',
  'Hale',
  'Ito',
  'Jensen',
  'Kim',
  'Lopez',
  'Mensah',
  'Novak',
  'Olsen',
  'Park',
  'Quispe',
  'Rossi',
  'Silva',
  'Tran',
  'Udeh',
  'Varga',
  'Wong',
  'Yilmaz',
  'Zhou',
];

const DAY = 86_400_000;
const ISOLATED_EVERY = 50; // 2% of participants get no relationship at all

export const isIsolated = (i: number) => i % ISOLATED_EVERY === ISOLATED_EVERY - 1;

/** Ids are a per-org prefix and the row index: unique, cheap, and no 1M-entry lookup table. */
export function idFactory(orgId: string, kind: 'participant' | 'relationship'): (index: number) => string {
  const hex = crypto.createHash('sha256').update(`${orgId}:${kind}`).digest('hex');
  const prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-`;
  return (index) => prefix + index.toString(16).padStart(12, '0');
}

export function validateSyntheticSize(participants: number, edges: number): string | undefined {
  const connectable = participants - Math.floor(participants / ISOLATED_EVERY);
  const max = Math.floor((connectable * (connectable - 1)) / 4);
  if (participants < 2) return '--participants must be at least 2';
  if (edges > max) return `--edges ${edges} is too dense for ${participants} participants (at most ${max})`;
  return undefined;
}

interface Community {
  start: Int32Array;
  size: Int32Array;
}

function communities(n: number, random: () => number): Community {
  const start = new Int32Array(n);
  const size = new Int32Array(n);
  for (let i = 0; i < n;) {
    const s = Math.min(n - i, 20 + Math.floor(random() * 381));
    start.fill(i, i, i + s);
    size.fill(s, i, i + s);
    i += s;
  }
  return { start, size };
}

/** Generates participant rows in batches. */
export function* participantBatches(
  orgId: string,
  options: SyntheticOptions,
  batchSize = 5000,
): Generator<Cell[][]> {
  const random = createRandom(options.seed);
  const id = idFactory(orgId, 'participant');
  const now = options.now.getTime();
  const hubStride = hubStrideFor(options.participants);
  let batch: Cell[][] = [];
  for (let i = 0; i < options.participants; i++) {
    const system = i % 1000 === 999;
    const hub = i % hubStride === 0;
    const neverActive = !hub && random() < 0.08;
    const lastDaysAgo = neverActive ? null : hub ? random() * 3 : Math.min(720, -Math.log(1 - random()) * 25);
    const createdDaysAgo = (lastDaysAgo ?? 0) + random() * 400;
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
    batch.push([
      orgId,
      id(i),
      system ? null : `p${i}@synthetic.example`,
      system ? `Sync Agent ${i}` : `${first} ${last} ${i}`,
      system ? SYSTEM_PARTICIPANT_ROLE : pickWeighted(random, ROLES),
      system ? 'integration' : pickWeighted(random, ORIGINS),
      stageFor(createdDaysAgo, lastDaysAgo),
      lastDaysAgo === null ? null : new Date(now - lastDaysAgo * DAY).toISOString(),
      new Date(now - createdDaysAgo * DAY).toISOString(),
    ]);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

function stageFor(createdDaysAgo: number, lastDaysAgo: number | null): LifecycleStage {
  if (createdDaysAgo <= 14) return 'new';
  if (lastDaysAgo === null || lastDaysAgo > 60) return 'dormant';
  return lastDaysAgo > 30 ? 'at_risk' : 'active';
}

const hubStrideFor = (n: number) => Math.max(2, Math.min(2000, Math.floor(n / 3)));

/** Out-degree per participant: proportional to a skewed weight, hubs heavy, isolated zero; sums to `edges`. */
function outDegrees(n: number, edges: number, random: () => number): Int32Array {
  const hubStride = hubStrideFor(n);
  const weight = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (isIsolated(i)) continue;
    weight[i] = i % hubStride === 0 ? 40 : Math.min(20, 1 / Math.sqrt(1 - random() * 0.999));
    total += weight[i]!;
  }
  const connectable = n - Math.floor(n / ISOLATED_EVERY);
  const cap = connectable - 1;
  const degree = new Int32Array(n);
  let assigned = 0;
  for (let i = 0; i < n; i++) {
    degree[i] = Math.min(cap, Math.floor((edges * weight[i]!) / total));
    assigned += degree[i]!;
  }
  // Hand out what rounding and the cap left over, one edge at a time, to participants with room.
  for (let i = Math.floor(random() * n); assigned < edges; i = (i + 1) % n) {
    if (!isIsolated(i) && degree[i]! < cap) {
      degree[i]!++;
      assigned++;
    }
  }
  return degree;
}

/** Generates relationship rows in batches, grouped by source participant. */
export function* relationshipBatches(
  orgId: string,
  options: SyntheticOptions,
  batchSize = 5000,
): Generator<Cell[][]> {
  const n = options.participants;
  const random = createRandom(options.seed ^ 0x5bd1e995);
  const participantId = idFactory(orgId, 'participant');
  const relationshipId = idFactory(orgId, 'relationship');
  const community = communities(n, random);
  const degree = outDegrees(n, options.edges, random);
  const hubStride = hubStrideFor(n);
  const hubCount = Math.ceil(n / hubStride);
  const now = options.now.getTime();
  const pickTarget = (from: number): number => {
    const r = random();
    // Cubing skews the choice towards the first hubs: a few of them gather tens of thousands of links.
    if (r < 0.08) return Math.floor(hubCount * random() ** 3) * hubStride;
    if (r < 0.9) return community.start[from]! + Math.floor(community.size[from]! * random() ** 1.6);
    return Math.floor(random() * n);
  };
  let edgeIndex = 0;
  let batch: Cell[][] = [];
  for (let from = 0; from < n; from++) {
    const targets = new Set<number>();
    for (let k = 0; k < degree[from]!; k++) {
      let to = -1;
      for (let attempt = 0; attempt < 20 && to < 0; attempt++) {
        const candidate = pickTarget(from);
        if (candidate !== from && !isIsolated(candidate) && !targets.has(candidate)) to = candidate;
      }
      // Dense corners of small orgs: walk to the next free participant instead of guessing forever.
      for (let candidate = Math.floor(random() * n); to < 0; candidate = (candidate + 1) % n) {
        if (candidate !== from && !isIsolated(candidate) && !targets.has(candidate)) to = candidate;
      }
      targets.add(to);
      batch.push([
        orgId,
        relationshipId(edgeIndex++),
        participantId(from),
        participantId(to),
        pickWeighted(random, EDGE_TYPES),
        pickWeighted(random, EDGE_SOURCES),
        (0.3 + 0.7 * Math.sqrt(random())).toFixed(2),
        new Date(now - random() * 700 * DAY).toISOString(),
      ]);
      if (batch.length === batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}
