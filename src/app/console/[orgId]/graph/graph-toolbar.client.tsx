'use client';

import { useEffect, useId, useState } from 'react';
import { SEGMENT_LABELS, SEGMENT_ORDER, humanise } from '../../../../components/graph/graph-model';
import { NativeSelect } from '../../../../components/ui/input';
import { LIFECYCLE_STAGES, type LifecycleStage, type SegmentKey } from '../../../../lib/domain';
import { cn } from '../../../../lib/ui/cn';
import { STAGE_LABELS } from '../../../../lib/ui/stages';
import { COLOUR_MODES, roundConfidence, type ColourMode } from './graph-params';

const COLOUR_LABELS: Record<ColourMode, string> = { stage: 'Stage', segment: 'Segment', role: 'Role' };

/** Colour by: a radio group drawn as a segmented control (arrow keys move between the options). */
export function ColourSwitch({
  value,
  onChange,
}: {
  value: ColourMode;
  onChange: (mode: ColourMode) => void;
}) {
  return (
    <div
      role="radiogroup"
      aria-label="Colour nodes by"
      className="inline-flex rounded-md border border-input p-0.5"
    >
      {COLOUR_MODES.map((mode) => (
        <button
          key={mode}
          type="button"
          role="radio"
          aria-checked={value === mode}
          tabIndex={value === mode ? 0 : -1}
          onClick={() => onChange(mode)}
          onKeyDown={(event) => {
            const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
            if (!step) return;
            event.preventDefault();
            const next =
              COLOUR_MODES[(COLOUR_MODES.indexOf(value) + step + COLOUR_MODES.length) % COLOUR_MODES.length]!;
            onChange(next);
            (
              event.currentTarget.parentElement?.querySelector(`[data-mode=${next}]`) as HTMLElement | null
            )?.focus();
          }}
          data-mode={mode}
          className={cn(
            'h-7 rounded px-2.5 text-xs font-medium text-muted-foreground outline-none focus-visible:outline-2 focus-visible:outline-solid focus-visible:outline-ring',
            value === mode && 'bg-secondary text-foreground shadow-sm',
          )}
        >
          {COLOUR_LABELS[mode]}
        </button>
      ))}
    </div>
  );
}

export function FilterSelects({
  stage,
  role,
  segment,
  roles,
  onChange,
}: {
  stage: LifecycleStage | null;
  role: string | null;
  segment: SegmentKey | null;
  roles: string[];
  onChange: (filters: {
    stage?: LifecycleStage | null;
    role?: string | null;
    segment?: SegmentKey | null;
  }) => void;
}) {
  const roleOptions = role && !roles.includes(role) ? [role, ...roles] : roles;
  return (
    <>
      <NativeSelect
        aria-label="Filter by lifecycle stage"
        className="h-8 w-auto text-xs"
        value={stage ?? ''}
        onChange={(event) => onChange({ stage: (event.target.value || null) as LifecycleStage | null })}
      >
        <option value="">All stages</option>
        {LIFECYCLE_STAGES.map((s) => (
          <option key={s} value={s}>
            {STAGE_LABELS[s]}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect
        aria-label="Filter by role"
        className="h-8 w-auto max-w-40 text-xs"
        value={role ?? ''}
        onChange={(event) => onChange({ role: event.target.value || null })}
      >
        <option value="">All roles</option>
        {roleOptions.map((r) => (
          <option key={r} value={r}>
            {humanise(r)}
          </option>
        ))}
      </NativeSelect>
      <NativeSelect
        aria-label="Filter by segment"
        className="h-8 w-auto text-xs"
        value={segment ?? ''}
        onChange={(event) => onChange({ segment: (event.target.value || null) as SegmentKey | null })}
      >
        <option value="">All segments</option>
        {SEGMENT_ORDER.map((s) => (
          <option key={s} value={s}>
            {SEGMENT_LABELS[s]}
          </option>
        ))}
      </NativeSelect>
    </>
  );
}

/**
 * The minimum confidence: the canvas hides weaker relationships while the thumb moves (`onPreview`),
 * and the value goes to the URL and the API once the operator pauses (`onCommit`).
 */
export function ConfidenceSlider({
  value,
  onPreview,
  onCommit,
}: {
  value: number;
  onPreview: (value: number) => void;
  onCommit: (value: number) => void;
}) {
  const id = useId();
  const [local, setLocal] = useState(value);
  const [committed, setCommitted] = useState(value);
  if (committed !== value) {
    // The URL changed under the slider (back button, "clear the filters"): follow it.
    setCommitted(value);
    setLocal(value);
  }
  useEffect(() => {
    if (local === value) return;
    const timer = setTimeout(() => onCommit(local), 450);
    return () => clearTimeout(timer);
  }, [local, value, onCommit]);
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-xs whitespace-nowrap text-muted-foreground">
        Min. confidence
      </label>
      <input
        id={id}
        type="range"
        min={0}
        max={1}
        step={0.05}
        value={local}
        aria-valuetext={`${Math.round(local * 100)}%`}
        onChange={(event) => {
          const next = roundConfidence(Number(event.target.value));
          setLocal(next);
          onPreview(next);
        }}
        className="h-1.5 w-24 cursor-pointer accent-primary"
      />
      <span className="w-8 text-xs tabular-nums">{Math.round(local * 100)}%</span>
    </div>
  );
}
