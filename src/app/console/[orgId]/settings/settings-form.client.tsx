'use client';

import { RotateCcwIcon, SaveIcon } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Alert } from '../../../../components/ui/alert';
import { Button } from '../../../../components/ui/button';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { Field, fieldControlProps, NativeSelect } from '../../../../components/ui/input';
import { api, ApiProblem } from '../../../../lib/client/api';
import type { components } from '../../../../lib/client/api-types';
import { DEFAULT_SEGMENT_SETTINGS, type SegmentKey } from '../../../../lib/domain';
import { DEFAULT_STAGE_GRACE_DAYS } from '../../../../lib/engagement-state';
import { SEGMENT_COLOR, segmentRule } from '../segments/segment-style';
import {
  changedSettings,
  settingsFromValues,
  valuesFromSettings,
  type SettingsValues,
} from './settings-values';
import { ThresholdField } from './threshold-field';

type OrgSettings = components['schemas']['OrgSettings'];

interface Limits {
  days: { min: number; max: number };
  percentile: { min: number; max: number };
  minDegree: { min: number; max: number };
  graceDays: { min: number; max: number };
}

const PREVIEW: SegmentKey[] = ['new', 'active', 'at_risk', 'dormant', 'highly_connected'];

export function SettingsForm(props: {
  orgId: string;
  settings: OrgSettings;
  timeZones: string[];
  limits: Limits;
}) {
  const router = useRouter();
  const saved = valuesFromSettings(props.settings);
  const [values, setValues] = useState<SettingsValues>(saved);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const changes = changedSettings(props.settings, values);
  const dirty = Object.keys(changes).length > 0;
  const preview = settingsFromValues(values);

  const set = (field: keyof SettingsValues) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [field]: event.target.value }));

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await api.PATCH('/api/orgs/{orgId}/settings', {
        params: { path: { orgId: props.orgId } },
        body: changes,
      });
      toast.success('Settings saved. Segments use the new thresholds from now on.');
      router.refresh();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, 'Error', String(error)));
    } finally {
      setBusy(false);
    }
  }

  const error = (field: string) => problem?.fieldError(field);
  const days = { min: props.limits.days.min, max: props.limits.days.max };

  return (
    <form onSubmit={save} className="grid max-w-5xl gap-4" noValidate>
      {problem && (
        <Alert variant="error" title="The settings were not saved">
          {problem.detail ?? problem.title}
        </Alert>
      )}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid gap-4">
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Time zone</CardTitle>
                <CardDescription>Where a day starts and ends for segments, charts and dates.</CardDescription>
              </div>
            </CardHeader>
            <CardContent>
              <Field
                id="timezone"
                label="Time zone"
                error={error('timezone')}
                hint="An IANA zone, e.g. Europe/Berlin."
              >
                <NativeSelect
                  id="timezone"
                  value={values.timezone}
                  onChange={set('timezone')}
                  {...fieldControlProps('timezone', { error: error('timezone') })}
                  className="max-w-sm"
                >
                  {props.timeZones.map((zone) => (
                    <option key={zone} value={zone}>
                      {zone.replace(/_/g, ' ')}
                    </option>
                  ))}
                </NativeSelect>
              </Field>
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Lifecycle thresholds</CardTitle>
                <CardDescription>
                  In calendar days. At risk lies between active and dormant, so dormant must be the larger.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-3">
              <ThresholdField
                id="newDays"
                label="New: joined within (days)"
                hint="Default 14"
                error={error('newDays')}
                {...days}
                value={values.newDays}
                onChange={set('newDays')}
              />
              <ThresholdField
                id="activeDays"
                label="Active: activity within (days)"
                hint="Default 30"
                error={error('activeDays')}
                {...days}
                value={values.activeDays}
                onChange={set('activeDays')}
              />
              <ThresholdField
                id="dormantDays"
                label="Dormant: no activity for (days)"
                hint="Default 60"
                error={error('dormantDays')}
                {...days}
                value={values.dormantDays}
                onChange={set('dormantDays')}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Highly connected</CardTitle>
                <CardDescription>
                  Participants with the most relationships, compared with the rest of the org.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-3">
              <ThresholdField
                id="percentile"
                label="At or above percentile"
                hint="50 to 99; default 90"
                error={error('highlyConnectedPercentile')}
                min={Math.round(props.limits.percentile.min * 100)}
                max={Math.round(props.limits.percentile.max * 100)}
                value={values.percentile}
                onChange={set('percentile')}
              />
              <ThresholdField
                id="minDegree"
                label="And at least (relationships)"
                hint="Default 3"
                error={error('highlyConnectedMinDegree')}
                min={props.limits.minDegree.min}
                max={props.limits.minDegree.max}
                value={values.minDegree}
                onChange={set('minDegree')}
              />
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <div className="grid gap-1">
                <CardTitle>Stage updates</CardTitle>
                <CardDescription>
                  Stage updates move each participant to the stage its activity points to: up as soon as
                  activity returns, down only once the lower stage has held for the grace period, so stages do
                  not flap. A stage an operator set by hand stands for the grace period too.
                </CardDescription>
              </div>
            </CardHeader>
            <CardContent className="grid gap-4 sm:grid-cols-3">
              <ThresholdField
                id="stageGraceDays"
                label="Move down after (days)"
                hint={`0 moves down at once; up to ${props.limits.graceDays.max}; default ${DEFAULT_STAGE_GRACE_DAYS}`}
                error={error('stageGraceDays')}
                min={props.limits.graceDays.min}
                max={props.limits.graceDays.max}
                value={values.graceDays}
                onChange={set('graceDays')}
              />
            </CardContent>
          </Card>
        </div>
        <Card className="h-fit lg:sticky lg:top-16">
          <CardHeader>
            <div className="grid gap-1">
              <CardTitle>What the segments will mean</CardTitle>
              <CardDescription>{dirty ? 'With your unsaved changes.' : 'As saved.'}</CardDescription>
            </div>
          </CardHeader>
          <CardContent>
            <ul className="grid gap-2.5 text-xs" aria-live="polite">
              {PREVIEW.map((key) => (
                <li key={key} className="flex gap-2">
                  <span
                    aria-hidden
                    className="mt-1 size-2 shrink-0 rounded-full"
                    style={{ backgroundColor: SEGMENT_COLOR[key] }}
                  />
                  <span>
                    <span className="font-medium">{LABELS[key]}:</span>{' '}
                    <span className="text-muted-foreground">{preview ? segmentRule(key, preview) : '—'}</span>
                  </span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" disabled={busy || !dirty}>
          <SaveIcon aria-hidden /> {busy ? 'Saving…' : 'Save changes'}
        </Button>
        <Button
          type="button"
          variant="ghost"
          disabled={busy || !dirty}
          onClick={() => {
            setValues(saved);
            setProblem(null);
          }}
        >
          Discard
        </Button>
        <Button
          type="button"
          variant="ghost"
          className="ml-auto"
          disabled={busy}
          onClick={() =>
            setValues((v) =>
              valuesFromSettings({
                ...DEFAULT_SEGMENT_SETTINGS,
                timezone: v.timezone,
                stageGraceDays: DEFAULT_STAGE_GRACE_DAYS,
              }),
            )
          }
        >
          <RotateCcwIcon aria-hidden /> Defaults
        </Button>
        {dirty && !busy && <p className="w-full text-xs text-muted-foreground">You have unsaved changes.</p>}
      </div>
    </form>
  );
}

const LABELS: Record<SegmentKey, string> = {
  new: 'New',
  active: 'Active',
  at_risk: 'At risk',
  dormant: 'Dormant',
  isolated: 'Isolated',
  highly_connected: 'Highly connected',
  system: 'System',
};
