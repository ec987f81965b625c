import { Field, fieldControlProps, Input } from './input';

export interface DateRange {
  from: string | null;
  to: string | null;
}

/**
 * "From" and "To (inclusive)" date inputs for a filter bar. Each bounds the other's picker, and an
 * empty input clears its end of the range (null) rather than sending an empty string.
 */
export function DateRangeFields({
  idPrefix,
  value,
  onChange,
  error,
}: {
  /** The inputs' ids are `<idPrefix>-from` and `<idPrefix>-to`. */
  idPrefix: string;
  value: DateRange;
  onChange: (patch: Partial<DateRange>) => void;
  /** Why the range is refused (e.g. it ends before it starts); shown under "To". */
  error?: string;
}) {
  const toId = `${idPrefix}-to`;
  return (
    <>
      <Field id={`${idPrefix}-from`} label="From">
        <Input
          id={`${idPrefix}-from`}
          type="date"
          value={value.from ?? ''}
          max={value.to ?? undefined}
          onChange={(e) => onChange({ from: e.target.value || null })}
        />
      </Field>
      <Field id={toId} label="To (inclusive)" error={error}>
        <Input
          id={toId}
          type="date"
          value={value.to ?? ''}
          min={value.from ?? undefined}
          {...fieldControlProps(toId, { error, hint: false })}
          onChange={(e) => onChange({ to: e.target.value || null })}
        />
      </Field>
    </>
  );
}
