'use client';

import type { TooltipPayloadEntry } from 'recharts';

/** The charts' hover card, in the design tokens (Recharts' default is a white box in dark mode too). */
export function ChartTooltip({
  active,
  payload,
  label,
  formatLabel,
}: {
  active?: boolean;
  payload?: readonly TooltipPayloadEntry[];
  label?: string | number;
  formatLabel?: (label: string) => string;
}) {
  if (!active || !payload?.length) return null;
  const title = formatLabel ? formatLabel(String(label)) : String(label);
  return (
    <div className="rounded-md border border-border bg-popover px-2.5 py-2 text-xs text-popover-foreground shadow-md">
      <p className="mb-1 font-medium">{title}</p>
      <ul className="grid gap-0.5">
        {payload.map((entry) => (
          <li key={String(entry.dataKey)} className="flex items-center gap-2">
            <span aria-hidden className="size-2 rounded-sm" style={{ backgroundColor: entry.color }} />
            <span className="text-muted-foreground">{entry.name}</span>
            <span className="ml-auto pl-3 font-medium tabular-nums">
              {Number(entry.value).toLocaleString('en')}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
