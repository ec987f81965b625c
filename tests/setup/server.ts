import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface StartedServer {
  child: ChildProcess;
  output: () => string;
  /** The `msg` of each JSON log line written so far (the server logs with pino). */
  messages: () => string[];
  url: string;
}

function messagesIn(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => (JSON.parse(line) as { msg: string }).msg);
}

/**
 * Starts `src/server.ts` as `npm start` does (production mode, any free port) and waits until it is
 * ready; `entry` another server script that says "ready at <url>" the same way.
 */
export function startServer(env: Record<string, string>, entry = 'src/server.ts'): Promise<StartedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // "ready at" is an info line; the test run itself is silent (vitest.config.ts).
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      // Tests decide when jobs are queued; the schedule stays off.
      STAGE_SCHEDULE_HOURS: '0',
      ATLAS_SCHEDULE_HOURS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready at (http:\/\/\S+)/.exec(output);
      if (ready) resolve({ child, output: () => output, messages: () => messagesIn(output), url: ready[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`server exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve),
  );
}

export interface SessionCookie {
  name: string;
  value: string;
  /** Seconds the browser keeps it, from the Set-Cookie's Max-Age. */
  maxAge: number;
}

/** The session cookie a response sets, if it sets one that lives (a cleared cookie has Max-Age=0). */
export function sessionCookieOf(response: Response): SessionCookie | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq);
    if (!/session_token$/.test(name)) continue;
    const maxAge = Number(attributes.find((a) => /^max-age=/i.test(a))?.split('=')[1] ?? NaN);
    if (maxAge > 0) return { name, value: pair!.slice(eq + 1), maxAge };
  }
  return undefined;
}

/** Signs in through the running server's API, as the sign-in page does, and returns the session cookie. */
export async function signInOverHttp(
  baseUrl: string,
  email: string,
  password: string,
): Promise<SessionCookie> {
  const response = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ email, password }),
  });
  const cookie = sessionCookieOf(response);
  if (response.status !== 200 || !cookie) {
    throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  }
  return cookie;
}
