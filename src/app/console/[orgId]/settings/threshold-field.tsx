import type { ChangeEvent } from 'react';
import { Field, fieldControlProps, Input } from '../../../../components/ui/input';

/**
 * A whole-number threshold: the input names its hint, or its error once the API refuses the value,
 * so a screen reader reads why it is invalid.
 */
export function ThresholdField({
  id,
  label,
  hint,
  error,
  min,
  max,
  value,
  onChange,
}: {
  id: string;
  label: string;
  hint: string;
  error: string | undefined;
  min: number;
  max: number;
  value: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint}>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={onChange}
        {...fieldControlProps(id, { error })}
      />
    </Field>
  );
}
