// Dates in the charts are calendar days (YYYY-MM-DD) already counted in the org's time zone: they are
// formatted as UTC so that neither the server's nor the browser's zone moves them by a day.

const SHORT = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const LONG = new Intl.DateTimeFormat('en', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

const asDate = (day: string) => new Date(`${day}T00:00:00Z`);

/** "Mar 4" */
export function formatDayShort(day: string): string {
  return SHORT.format(asDate(day));
}

/** "Tue, Mar 4, 2025" */
export function formatDayLong(day: string): string {
  return LONG.format(asDate(day));
}

/** "Week of Mar 3" */
export function formatWeek(weekStart: string): string {
  return `Week of ${formatDayShort(weekStart)}`;
}

/** "flag_for_review" → "Flag for review", for values that have no label of their own. */
export function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
