// One way for every benchmark case to read its flags: --help prints the case's help and stops, unknown
// flags and malformed numbers are refused with a message (exit 2 from scripts/bench.ts).
import { parseArgs } from 'node:util';

export class BenchUsageError extends Error {}

export const SIZE_NAMES = ['S', 'M', 'L'] as const;
export type SizeName = (typeof SIZE_NAMES)[number];

export interface SuiteOptions {
  size: SizeName;
  /** Seconds of load per measured round (HTTP cases). */
  duration: number;
  /** Rounds of app and baseline, alternating. */
  rounds: number;
  connections: number;
}

export const SUITE_FLAGS_HELP = `  --size S|M|L     the synthetic org (S 1k/3k, M 100k/500k with 2M events, L 1M/5M with 10M events); default M
  --duration SEC   load per round for HTTP cases; default 20 (S: 5)
  --rounds N       rounds of app and baseline, alternating; default 2
  --connections N  concurrent connections for HTTP cases; default 10`;

/** Parses the suite's flags; null when --help was asked for (the help has been printed). */
export function parseSuiteOptions(argv: string[], help: string): SuiteOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        size: { type: 'string', default: 'M' },
        duration: { type: 'string' },
        rounds: { type: 'string', default: '2' },
        connections: { type: 'string', default: '10' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.help) {
    console.log(help);
    return null;
  }
  const size = parsed.size.toUpperCase();
  if (!(SIZE_NAMES as readonly string[]).includes(size)) {
    throw new BenchUsageError(`--size must be S, M or L, not "${parsed.size}"`);
  }
  return {
    size: size as SizeName,
    duration: wholeNumber('--duration', parsed.duration ?? (size === 'S' ? '5' : '20'), 1),
    rounds: wholeNumber('--rounds', parsed.rounds, 1),
    connections: wholeNumber('--connections', parsed.connections, 1),
  };
}

export function wholeNumber(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new BenchUsageError(
      `${flag} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${value}"`,
    );
  }
  return n;
}
