import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  cause?: LoggedError;
}

/**
 * An error as a log line may hold it: its first line and its frames, never a failed statement's SQL
 * parameters (drizzle puts them in the message and in `params`; they may be personal data).
 */
export function serializeError(error: unknown, depth = 0): LoggedError {
  if (!(error instanceof Error)) return { type: typeof error, message: String(error).split('\n')[0]! };
  const message = error.message.split('\n')[0]!;
  const frames = (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at '));
  const code = (error as { code?: unknown }).code;
  return {
    type: error.name === 'Error' ? error.constructor.name : error.name,
    message,
    ...(frames.length ? { stack: frames.join('\n') } : {}),
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: serializeError(error.cause, depth + 1) } : {}),
  };
}

/**
 * One JSON object per line (pino), each with the request id of the request it was written for — the
 * API's and the pages' alike, and the queries they make — so that `grep <id>` gives a request's story.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'operator-console' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: serializeError },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination ??
      // Errors on stderr, the rest on stdout: what a process supervisor and a person at a terminal expect.
      pino.multistream(
        [
          { level: 'trace', stream: pino.destination({ fd: 1, sync: true }) },
          { level: 'error', stream: pino.destination({ fd: 2, sync: true }) },
        ],
        { dedupe: true },
      ),
  );
}

const KEY = Symbol.for('operator-console.logger');
type Holder = { [KEY]?: Logger };

/** The process's logger (on globalThis: see request-context.ts). LOG_LEVEL sets its level at start. */
export function logger(): Logger {
  const holder = globalThis as Holder;
  return (holder[KEY] ??= createLogger(
    (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? '')
      ? (process.env.LOG_LEVEL as LogLevel)
      : 'info',
  ));
}

/** Replaces the process's logger: the server at start (LOG_LEVEL), tests that read the lines. */
export function setLogger(logger: Logger): void {
  (globalThis as Holder)[KEY] = logger;
}
