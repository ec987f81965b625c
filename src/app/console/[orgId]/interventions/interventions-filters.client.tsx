'use client';

import { INTERVENTION_TYPE_TEXT } from '../../../../components/interventions/intervention-form';
import { ClearFilters } from '../../../../components/ui/clear-filters';
import { DateRangeFields } from '../../../../components/ui/date-range-fields';
import { Field, NativeSelect } from '../../../../components/ui/input';
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
      <DateRangeFields idPrefix="interventions" value={values} onChange={onChange} />
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
      <ClearFilters
        onClear={() => onChange(null)}
        disabled={!hasFilters(values)}
        pending={pending}
        pendingLabel="Loading interventions"
      />
    </div>
  );
}
