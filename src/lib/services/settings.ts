import { writeAuditEvent } from '../audit';
import { requirePermission } from '../auth';
import type { Database } from '../db';
import { withOrg } from '../database/with-org';
import { AppError, type ProblemField } from '../errors';
import {
  databaseKnowsTimezone,
  findOrgSettings,
  lockOrgSettings,
  saveOrgSettings,
} from '../repositories/org-settings';
import type { RequestScope } from '../scope';
import {
  SETTINGS_FIELDS,
  type ChangeOrgSettings,
  type OrgSettings,
  type SettingsField,
} from '../validation/settings';

// Org settings are the owner's: the time zone that segments and charts count days in, the segment
// thresholds, and the grace period of the stage engine. Reading them is not audited (configuration, not data about people); every
// change is, with the before and after of the fields it changed.

export async function getOrgSettings(db: Database, scope: RequestScope): Promise<OrgSettings> {
  requirePermission(scope, 'org.settings');
  return withOrg(db, scope, (tx) => findOrgSettings(tx, scope));
}

/** The rules between fields, on the settings as they would be after the change. */
function crossFieldProblems(next: OrgSettings): ProblemField[] {
  if (next.dormantDays > next.activeDays) return [];
  return [
    {
      path: 'dormantDays',
      message: `must be more than the active days (${next.activeDays}): at risk lies between the two`,
    },
  ];
}

type Changes = Partial<Record<SettingsField, string | number>>;

function diff(before: OrgSettings, after: OrgSettings): { before: Changes; after: Changes } {
  const changed = SETTINGS_FIELDS.filter((field) => before[field] !== after[field]);
  return {
    before: Object.fromEntries(changed.map((f) => [f, before[f]])),
    after: Object.fromEntries(changed.map((f) => [f, after[f]])),
  };
}

/**
 * Applies the fields given (the others keep their values) in one transaction with its
 * `org.settings_changed` event. A change that changes nothing writes nothing and answers the settings.
 */
export async function changeOrgSettings(
  db: Database,
  scope: RequestScope,
  input: ChangeOrgSettings,
): Promise<OrgSettings> {
  requirePermission(scope, 'org.settings');
  if (input.timezone !== undefined && !(await databaseKnowsTimezone(db, input.timezone))) {
    throw new AppError('unprocessable', 'The database does not know this time zone.', [
      { path: 'timezone', message: 'is not a time zone the database knows' },
    ]);
  }
  return withOrg(db, scope, async (tx) => {
    const before = await lockOrgSettings(tx, scope);
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const after: OrgSettings = { ...before, ...defined };
    const problems = crossFieldProblems(after);
    if (problems.length) {
      throw new AppError('unprocessable', 'Dormant must start after active ends.', problems);
    }
    const changes = diff(before, after);
    if (Object.keys(changes.after).length === 0) return before;
    await saveOrgSettings(tx, scope, after);
    await writeAuditEvent(tx, scope, {
      type: 'org.settings_changed',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: changes,
    });
    // Read back, so that updatedAt is the database's own.
    return findOrgSettings(tx, scope);
  });
}
