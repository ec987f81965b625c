// Calendar days in an org's time zone, computed the way the segment queries compute them in SQL
// (`src/lib/repositories/segments.ts`): "the last N days" starts at local midnight N days before today,
// `(date_trunc('day', now() AT TIME ZONE tz) - N days) AT TIME ZONE tz`. A day is a whole number (days
// since 1970-01-01 on the local calendar), so day arithmetic is plain integer arithmetic and a 23- or
// 25-hour day still counts as one.

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at the instant `ms`, read as if it were UTC (milliseconds dropped). */
function wallClockMs(ms: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0–99 as 1900–1999.
  const wall = new Date(0);
  wall.setUTCFullYear(fields.year!, fields.month! - 1, fields.day!);
  wall.setUTCHours(fields.hour!, fields.minute!, fields.second!);
  return wall.getTime();
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (east positive). */
function offsetMs(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallClockMs(whole, timeZone) - whole;
}

/** The local calendar day an instant falls on: `(instant AT TIME ZONE tz)::date`. */
export function orgDayOf(instant: Date, timeZone: string): number {
  return Math.floor(wallClockMs(instant.getTime(), timeZone) / MS_PER_DAY);
}

/**
 * The instant local midnight starts `day`: `day::timestamp AT TIME ZONE tz`, resolved as PostgreSQL
 * resolves a local time that a DST change skips or repeats — both ways it takes the later instant
 * (DetermineTimeZoneOffset: the offset before a spring-forward, the one after a fall-back). Where
 * midnight is skipped, that is the first instant of the day.
 */
export function startOfOrgDay(day: number, timeZone: string): Date {
  const wall = day * MS_PER_DAY;
  // A day either side is past any transition near this midnight (offsets stay within ±14 hours).
  const before = offsetMs(wall - MS_PER_DAY, timeZone);
  const after = offsetMs(wall + MS_PER_DAY, timeZone);
  const early = wall - before;
  const late = wall - after;
  if (before === after) return new Date(early);
  const earlyHolds = offsetMs(early, timeZone) === before;
  const lateHolds = offsetMs(late, timeZone) === after;
  if (earlyHolds !== lateHolds) return new Date(earlyHolds ? early : late);
  return new Date(Math.max(early, late));
}

/**
 * The latest local day whose midnight (startOfOrgDay) is at or before `instant`: the day a threshold
 * comparison `instant >= startOfOrgDay(d)` counts it in, so `instant >= startOfOrgDay(today - n)` is
 * exactly `orgDayCounting(instant) >= today - n`. It differs from orgDayOf only in the hour before a
 * midnight that a fall-back repeats.
 */
export function orgDayCounting(instant: Date, timeZone: string): number {
  const day = orgDayOf(instant, timeZone);
  return instant.getTime() >= startOfOrgDay(day, timeZone).getTime() ? day : day - 1;
}

/** A local day as YYYY-MM-DD. */
export function formatOrgDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** A YYYY-MM-DD calendar day as a day number. */
export function parseOrgDay(value: string): number {
  return Math.floor(Date.parse(`${value}T00:00:00Z`) / MS_PER_DAY);
}
