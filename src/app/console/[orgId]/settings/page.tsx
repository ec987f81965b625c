import type { Metadata } from 'next';
import { PageHeader } from '../../../../components/ui/page-header';
import { getJobs } from '../../../../lib/services/jobs';
import { getOrgSettings } from '../../../../lib/services/settings';
import { SETTINGS_LIMITS } from '../../../../lib/validation/settings';
import { requireOrgPage } from '../../page-guard';
import { SettingsForm } from './settings-form.client';
import { StageUpdateCard } from './stage-update-card.client';
import { requestNow } from '../../request-now';

export const metadata: Metadata = { title: 'Settings' };

/** The zones the API accepts, with the org's own first in line if the runtime lacks it. */
function timeZones(current: string): string[] {
  const zones = new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  zones.add(current);
  return [...zones].sort((a, b) => a.localeCompare(b));
}

export default async function SettingsPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'org.settings' });
  const [settings, [latest], [lastSucceeded]] = await Promise.all([
    getOrgSettings(db, scope),
    getJobs(db, scope, { kind: 'stage_update', limit: 1 }),
    getJobs(db, scope, { kind: 'stage_update', status: 'succeeded', limit: 1 }),
  ]);
  return (
    <>
      <PageHeader
        title="Settings"
        description="How this org counts days, draws its segments and updates lifecycle stages. Only owners see this page; every change is written to the audit log."
      />
      <SettingsForm
        orgId={scope.orgId}
        settings={settings}
        timeZones={timeZones(settings.timezone)}
        limits={SETTINGS_LIMITS}
      />
      <StageUpdateCard
        className="mt-4 max-w-5xl"
        orgId={scope.orgId}
        now={requestNow()}
        timezone={settings.timezone}
        latest={latest ?? null}
        lastSucceeded={lastSucceeded ?? null}
      />
    </>
  );
}
