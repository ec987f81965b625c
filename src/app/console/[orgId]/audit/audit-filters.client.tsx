'use client';

import { ListFilterIcon, SearchIcon, XIcon } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Button } from '../../../../components/ui/button';
import { ClearFilters } from '../../../../components/ui/clear-filters';
import { DateRangeFields } from '../../../../components/ui/date-range-fields';
import { Field, Input, NativeSelect } from '../../../../components/ui/input';
import { Spinner } from '../../../../components/ui/skeleton';
import { cn } from '../../../../lib/ui/cn';
import { hasFilters, type AuditUrlFilters } from './audit-params';

export interface ActorOption {
  userId: string;
  email: string;
}

const TARGET_TYPES = ['participant', 'relationship', 'intervention', 'recommendation', 'user', 'org'];

/** Event types grouped by what they are about (the part before the dot), for optgroups. */
function groupTypes(types: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const type of types) {
    const area = type.slice(0, type.indexOf('.'));
    groups.set(area, [...(groups.get(area) ?? []), type]);
  }
  return [...groups.entries()];
}

/**
 * The filter bar. Selects and dates apply at once; the target id applies on Enter or when the field is
 * left, so typing does not fetch (and audit) a page per keystroke.
 */
export function AuditFilters({
  values,
  onChange,
  eventTypes,
  actors,
  rangeError,
  pending,
}: {
  values: AuditUrlFilters;
  onChange: (patch: Partial<AuditUrlFilters> | null) => void;
  eventTypes: readonly string[];
  actors: ActorOption[];
  rangeError?: string;
  pending: boolean;
}) {
  const [targetId, setTargetId] = useState(values.targetId ?? '');
  // The URL may change under the field (back button, Clear): follow it.
  const [seenTargetId, setSeenTargetId] = useState(values.targetId);
  if (seenTargetId !== values.targetId) {
    setSeenTargetId(values.targetId);
    setTargetId(values.targetId ?? '');
  }

  const applyTargetId = (event?: FormEvent) => {
    event?.preventDefault();
    const next = targetId.trim() || null;
    if (next !== values.targetId) onChange({ targetId: next });
  };

  // On a phone the seven fields would push the list off the screen: they fold behind a button there.
  const [shown, setShown] = useState(Boolean(rangeError));
  const active = Object.values(values).filter((value) => value !== null).length;

  const knownActor = !values.actor || actors.some((a) => a.userId === values.actor);
  const set = (key: keyof AuditUrlFilters) => (value: string) => onChange({ [key]: value || null });

  return (
    <div className="grid gap-3">
      <div className="flex items-center gap-2 sm:hidden">
        <Button
          variant="outline"
          aria-expanded={shown}
          aria-controls="audit-filters"
          onClick={() => setShown((open) => !open)}
        >
          <ListFilterIcon aria-hidden /> Filters
          {active > 0 && <span className="rounded-sm bg-primary/10 px-1 text-xs text-primary">{active}</span>}
        </Button>
        {active > 0 && (
          <Button variant="ghost" onClick={() => onChange(null)} className="text-muted-foreground">
            <XIcon aria-hidden /> Clear
          </Button>
        )}
        {pending && <Spinner label="Loading events" />}
      </div>
      <form
        id="audit-filters"
        role="search"
        aria-label="Filter the audit log"
        onSubmit={applyTargetId}
        className={cn(
          'grid-cols-2 items-end gap-3 sm:grid sm:grid-cols-3 xl:grid-cols-[minmax(0,1.6fr)_repeat(2,minmax(0,1fr))_minmax(0,1.2fr)_auto_auto_auto]',
          shown ? 'grid' : 'hidden',
        )}
      >
        <Field id="audit-type" label="Event type">
          <NativeSelect
            id="audit-type"
            value={values.type ?? ''}
            onChange={(e) => set('type')(e.target.value)}
          >
            <option value="">All types</option>
            {values.type && !eventTypes.includes(values.type) && (
              <option value={values.type}>{values.type}</option>
            )}
            {groupTypes(eventTypes).map(([area, types]) => (
              <optgroup key={area} label={area}>
                {types.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </optgroup>
            ))}
          </NativeSelect>
        </Field>
        <Field id="audit-actor" label="Actor">
          <NativeSelect
            id="audit-actor"
            value={values.actor ?? ''}
            onChange={(e) => set('actor')(e.target.value)}
          >
            <option value="">Anyone</option>
            {!knownActor && (
              <option value={values.actor!}>Former member ({values.actor!.slice(0, 8)})</option>
            )}
            {actors.map((actor) => (
              <option key={actor.userId} value={actor.userId}>
                {actor.email}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field id="audit-target-type" label="Target type">
          <NativeSelect
            id="audit-target-type"
            value={values.targetType ?? ''}
            onChange={(e) => set('targetType')(e.target.value)}
          >
            <option value="">Any target</option>
            {values.targetType && !TARGET_TYPES.includes(values.targetType) && (
              <option value={values.targetType}>{values.targetType}</option>
            )}
            {TARGET_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </NativeSelect>
        </Field>
        <Field id="audit-target-id" label="Target id">
          <div className="relative">
            <SearchIcon
              aria-hidden
              className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-muted-foreground"
            />
            <Input
              id="audit-target-id"
              value={targetId}
              maxLength={200}
              placeholder="Exact id, then Enter"
              className="pl-7"
              onChange={(e) => setTargetId(e.target.value)}
              onBlur={() => applyTargetId()}
            />
          </div>
        </Field>
        <DateRangeFields idPrefix="audit" value={values} onChange={onChange} error={rangeError} />
        <ClearFilters
          onClear={() => onChange(null)}
          disabled={!hasFilters(values)}
          pending={pending}
          pendingLabel="Loading events"
          className="hidden sm:flex"
        />
        {/* Enter in the target id submits the form; the button is for assistive tech and stays off-screen. */}
        <button type="submit" className="sr-only">
          Apply filters
        </button>
      </form>
    </div>
  );
}
