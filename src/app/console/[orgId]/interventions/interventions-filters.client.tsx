'use client';

import { XIcon } from 'lucide-react';
import { INTERVENTION_TYPE_TEXT } from '../../../../components/interventions/intervention-form';
import { Button } from '../../../../components/ui/button';
import { Field, Input, NativeSelect } from '../../../../components/ui/input';
import { Spinner } from '../../../../components/ui/skeleton';
import { INTERVENTION_TYPES } from '../../../../lib/domain';
import { hasFilters, type InterventionFilters } from './interventions-params';

export interface OperatorOption {
  userId: string;
  name: string;
  email: string;
}

/** The log's filter bar: every control applies at once and lands in the URL. */
export function InterventionsFilters({
  values,
  onChange,
  operators,
  pending,
}: {
  values: InterventionFilters;
  onChange: (patch: Partial<InterventionFilters> | null) => void;
  operators: OperatorOption[];
  pending: boolean;
}) {
  const knownOperator = !values.operator || operators.some((o) => o.userId === values.operator);
  return (
    <div
      role="search"
      aria-label="Filter interventions"
      className="grid grid-cols-2 items-end gap-3 sm:grid-cols-3 xl:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
    >
      <Field id="interventions-type" label="Type">
        <NativeSelect
          id="interventions-type"
          value={values.type ?? ''}
          onChange={(e) => onChange({ type: (e.target.value || null) as InterventionFilters['type'] })}
        >
          <option value="">All types</option>
          {INTERVENTION_TYPES.map((type) => (
            <option key={type} value={type}>
              {INTERVENTION_TYPE_TEXT[type].label}
            </option>
          ))}
        </NativeSelect>
      </Field>
      <Field id="interventions-operator" label="Operator">
        <NativeSelect
          id="interventions-operator"
          value={values.operator ?? ''}
          onChange={(e) => onChange({ operator: e.target.value || null })}
        >
          <option value="">Anyone</option>
          {!knownOperator && (
            <option value={values.operator!}>Someone else ({values.operator!.slice(0, 8)})</option>
          )}
          {operators.map((o) => (
            <option key={o.userId} value={o.userId}>
              {o.name || o.email}
            </option>
          ))}
        </NativeSelect>
      </Field>
      <Field id="interventions-from" label="From">
        <Input
          id="interventions-from"
          type="date"
          value={values.from ?? ''}
          max={values.to ?? undefined}
          onChange={(e) => onChange({ from: e.target.value || null })}
        />
      </Field>
      <Field id="interventions-to" label="To (inclusive)">
        <Input
          id="interventions-to"
          type="date"
          value={values.to ?? ''}
          min={values.from ?? undefined}
          onChange={(e) => onChange({ to: e.target.value || null })}
        />
      </Field>
      <Field id="interventions-reversed" label="Reversed">
        <NativeSelect
          id="interventions-reversed"
          value={values.reversed ?? ''}
          onChange={(e) =>
            onChange({ reversed: (e.target.value || null) as InterventionFilters['reversed'] })
          }
        >
          <option value="">Either</option>
          <option value="no">Still in effect</option>
          <option value="yes">Reversed</option>
        </NativeSelect>
      </Field>
      <div className="flex h-8 items-center gap-2">
        <Button
          variant="ghost"
          onClick={() => onChange(null)}
          disabled={!hasFilters(values)}
          className="text-muted-foreground"
        >
          <XIcon aria-hidden /> Clear
        </Button>
        {pending && <Spinner label="Loading interventions" />}
      </div>
    </div>
  );
}
