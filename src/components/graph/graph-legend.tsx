import type { LegendEntry } from './graph-model';

const number = new Intl.NumberFormat('en');

/**
 * What each colour on the canvas means, with how many of each are drawn. The swatch colours are
 * computed from the theme's tokens for WebGL, so they are geometry-like values set inline.
 */
export function GraphLegend({
  title,
  entries,
  shape = 'dot',
}: {
  title: string;
  entries: LegendEntry[];
  shape?: 'dot' | 'line';
}) {
  if (entries.length === 0) return null;
  return (
    <div className="grid gap-1.5">
      <p className="text-xs font-medium text-muted-foreground">{title}</p>
      <ul aria-label={title} className="grid gap-1 text-xs">
        {entries.map((entry) => (
          <li key={entry.key} className="flex items-center gap-2">
            <span
              aria-hidden
              className={
                shape === 'dot' ? 'size-2.5 shrink-0 rounded-full' : 'h-0.5 w-3.5 shrink-0 rounded-full'
              }
              style={{ backgroundColor: entry.colour }}
            />
            <span className="min-w-0 flex-1 truncate">{entry.label}</span>
            <span className="tabular-nums text-muted-foreground">{number.format(entry.count)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
