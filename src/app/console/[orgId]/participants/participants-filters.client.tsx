'use client';

import { SearchIcon, XIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '../../../../components/ui/button';
import { Input, NativeSelect } from '../../../../components/ui/input';
import { Spinner } from '../../../../components/ui/skeleton';
import { LIFECYCLE_STAGES, SEGMENT_KEYS, type LifecycleStage, type SegmentKey } from '../../../../lib/domain';
import { STAGE_LABELS } from '../../../../lib/ui/stages';
import { roleLabel, SEGMENT_LABELS } from './participants-format';
import { hasFilters, type ParticipantsUrlState } from './participants-params';

const SEARCH_DELAY_MS = 300;

/** Search (debounced, so typing a name reads one page, not one per key) and the three filters. */
export function ParticipantsFilters({
  values,
  roles,
  onChange,
  onClear,
  pending,
}: {
  values: ParticipantsUrlState;
  roles: string[];
  onChange: (patch: Partial<ParticipantsUrlState>, history?: 'push' | 'replace') => void;
  onClear: () => void;
  pending: boolean;
}) {
  const [text, setText] = useState(values.q ?? '');
  const lastSent = useRef(values.q ?? '');
  // The parent's callback is new on each render; the pending search must not restart because of it.
  const send = useRef(onChange);
  useEffect(() => {
    send.current = onChange;
  });

  // The URL changed under the box (back button, "clear filters"): show what the URL says.
  useEffect(() => {
    if ((values.q ?? '') !== lastSent.current) {
      lastSent.current = values.q ?? '';
      setText(values.q ?? '');
    }
  }, [values.q]);

  useEffect(() => {
    const q = text.trim();
    if (q === lastSent.current) return;
    const timer = setTimeout(() => {
      lastSent.current = q;
      // Typing replaces the history entry; each filter below adds one.
      send.current({ q: q || null }, 'replace');
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);

  // A role in the URL that no participant has any more still shows, so the select tells the truth.
  const roleOptions = values.role && !roles.includes(values.role) ? [values.role, ...roles] : roles;

  return (
    <div role="search" aria-label="Filter participants" className="flex flex-wrap items-center gap-2">
      <div className="relative w-full sm:w-72">
        <SearchIcon
          aria-hidden
          className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground"
        />
        <Input
          type="search"
          aria-label="Search by name or email"
          placeholder="Search name or email"
          value={text}
          maxLength={200}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && text) setText('');
          }}
          className="pl-8"
        />
      </div>
      <NativeSelect
        aria-label="Stage"
        value={values.stage ?? ''}
        onChange={(event) => onChange({ stage: (event.target.value || null) as LifecycleStage | null })}
        className="w-auto"
      >
        <option value="">All stages</option>
        {LIFECYCLE_STAGES.map((stage) => (
          <option key={stage} value={stage}>
            {STAGE_LABELS[stage]}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect
        aria-label="Role"
        value={values.role ?? ''}
        onChange={(event) => onChange({ role: event.target.value || null })}
        className="w-auto max-w-48"
      >
        <option value="">All roles</option>
        {roleOptions.map((role) => (
          <option key={role} value={role}>
            {roleLabel(role)}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect
        aria-label="Segment"
        value={values.segment ?? ''}
        onChange={(event) => onChange({ segment: (event.target.value || null) as SegmentKey | null })}
        className="w-auto"
      >
        <option value="">All segments</option>
        {SEGMENT_KEYS.map((key) => (
          <option key={key} value={key}>
            {SEGMENT_LABELS[key]}
          </option>
        ))}
      </NativeSelect>
      {hasFilters(values) && (
        <Button variant="ghost" onClick={onClear}>
          <XIcon aria-hidden /> Clear filters
        </Button>
      )}
      {pending && <Spinner label="Updating the list" className="ml-1" />}
    </div>
  );
}
