// "3 days ago" for times shown in the console. A pure function of an explicit "now", so the server's
// first render and the browser's agree (no hydration drift).

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "3 days ago", "yesterday", "just now" — or "Never" for a participant never active. */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return 'Never';
  const delta = Date.parse(iso) - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size) return relative.format(Math.round(delta / size), unit);
  }
  return 'just now';
}
