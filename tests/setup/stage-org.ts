import { interventions, participants } from '../../src/lib/database/schema';
import type { Database } from '../../src/lib/db';
import { LIFECYCLE_STAGES, SYSTEM_PARTICIPANT_ROLE, type LifecycleStage } from '../../src/lib/domain';
import type { EngagementFacts } from '../../src/lib/engagement-state';
import { orgDayOf, startOfOrgDay } from '../../src/lib/org-calendar';
import { createRandom } from '../../src/lib/seed/random';

// A generated org for the stage engine: participants created and last active at varied times, many of
// them a millisecond either side of a local midnight near a threshold, stored stages at random, and
// set_lifecycle_stage interventions (some reversed, some naming several participants, some later than
// `now`). Returns each participant's facts as decideEngagementStage takes them.

const DAY = 86_400_000;

export interface StageOrgOptions {
  orgId: string;
  count: number;
  seed: number;
  now: Date;
  timeZone: string;
  /** The thresholds the boundary instants are placed around. */
  thresholds: { newDays: number; activeDays: number; dormantDays: number };
}

export interface StageOrg {
  facts: Map<string, EngagementFacts>;
  systemIds: string[];
}

export async function createStageOrg(db: Database, options: StageOrgOptions): Promise<StageOrg> {
  const random = createRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const { now, timeZone, thresholds } = options;
  const today = orgDayOf(now, timeZone);
  const nearMidnight = (daysAgo: number) =>
    new Date(startOfOrgDay(today - daysAgo, timeZone).getTime() + pick([-1, 0, 1, -1_800_000, 1_800_000]));
  const boundaryDays = [thresholds.newDays, thresholds.activeDays, thresholds.dormantDays].flatMap((t) => [
    t - 1,
    t,
    t + 1,
    t + 6,
    t + 7,
    t + 8,
  ]);
  const instant = (): Date =>
    random() < 0.5
      ? nearMidnight(pick(boundaryDays) + int(-1, 1))
      : new Date(now.getTime() - random() * (thresholds.dormantDays + 30) * DAY);

  const rows = Array.from({ length: options.count }, (_, i) => {
    const createdAt = random() < 0.03 ? new Date(now.getTime() + random() * DAY) : instant();
    const lastRoll = random();
    const lastActivityAt =
      lastRoll < 0.15
        ? null
        : lastRoll < 0.2
          ? new Date(createdAt.getTime() - random() * 5 * DAY)
          : instant();
    return {
      orgId: options.orgId,
      displayName: `Participant ${i}`,
      role: 'member',
      origin: 'generated',
      lifecycleStage: pick(LIFECYCLE_STAGES),
      createdAt,
      lastActivityAt,
    };
  });
  const systemRows = ['dormant', 'new'].map((stage, i) => ({
    orgId: options.orgId,
    displayName: `System ${i}`,
    role: SYSTEM_PARTICIPANT_ROLE,
    origin: 'system',
    lifecycleStage: stage,
    createdAt: new Date(now.getTime() - 400 * DAY),
    lastActivityAt: null,
  }));
  const inserted = await db
    .insert(participants)
    .values([...rows, ...systemRows])
    .returning({ id: participants.id, role: participants.role, name: participants.displayName });
  const idByName = new Map(inserted.map((r) => [r.name, r.id]));
  const ids = rows.map((row) => idByName.get(row.displayName)!);

  // Interventions over the last few weeks (and a few after now): the grace decides which still hold.
  const operatorSetAt = new Map<string, Date>();
  const interventionRows = Array.from({ length: Math.ceil(options.count / 8) }, () => {
    const targets = [...new Set(Array.from({ length: random() < 0.3 ? int(2, 6) : 1 }, () => pick(ids)))];
    const createdAt =
      random() < 0.4
        ? nearMidnight(int(-1, 10))
        : new Date(now.getTime() - random() * 20 * DAY + (random() < 0.05 ? 2 * DAY : 0));
    const reversed = random() < 0.3;
    if (!reversed) {
      for (const id of targets) {
        const previous = operatorSetAt.get(id);
        if (!previous || previous < createdAt) operatorSetAt.set(id, createdAt);
      }
    }
    return {
      orgId: options.orgId,
      operatorRole: 'operator',
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: targets,
      reason: 'Generated',
      previousState: { targets: {} },
      newState: { targets: {}, results: {} },
      createdAt,
      reversedAt: reversed ? new Date(createdAt.getTime() + DAY) : null,
      reversalReason: reversed ? 'Generated reversal' : null,
    };
  });
  await db.insert(interventions).values(interventionRows);

  const facts = new Map<string, EngagementFacts>();
  rows.forEach((row, i) => {
    facts.set(ids[i]!, {
      createdAt: row.createdAt,
      lastActivityAt: row.lastActivityAt,
      stage: row.lifecycleStage as LifecycleStage,
      operatorSetAt: operatorSetAt.get(ids[i]!) ?? null,
    });
  });
  return {
    facts,
    systemIds: inserted.filter((r) => r.role === SYSTEM_PARTICIPANT_ROLE).map((r) => r.id),
  };
}
