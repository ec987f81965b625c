// The two servers a case compares: the app as `npm start` runs it (production build, row-level
// security through the app login) and the bare node:http + pg baseline (bare-server.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_USER, type Fixture } from './fixture';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function start(args: string[], env: NodeJS.ProcessEnv, what: string): Promise<RunningServer> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /ready at (http:\/\/\S+)/.exec(output);
      if (!ready) return;
      child.stdout!.off('data', onData);
      // Later output is drained, never kept: a long run must not grow this process.
      child.stdout!.resume();
      resolve({
        url: ready[1]!.replace('localhost', '127.0.0.1'),
        child,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      if (output.length < 100_000) output += chunk.toString();
    });
    child.once('exit', (code) =>
      reject(new Error(`${what} exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

/**
 * The app, production build, against the fixture. Its limits are raised out of the way (the suite
 * measures work, not refusals); jobs are off (nothing else runs during a measurement) unless `jobs`,
 * and then only those asked for run (no schedule). With `captureFile`, the statements of requests whose
 * X-Request-Id starts with "capture-" are written there.
 */
export function startApp(
  fixture: Fixture,
  { captureFile, jobs = false }: { captureFile?: string; jobs?: boolean } = {},
): Promise<RunningServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: fixture.appUrl,
    MIGRATION_DATABASE_URL: fixture.ownerUrl,
    AUTH_SECRET: 'operator-console-bench-suite-secret-0000000000',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '1000000',
    // Two heavy requests at once even on two cores (by default half the cores): graph-compact reads
    // twice at once to show the memory does not double.
    HEAVY_REQUESTS_PER_PROCESS: '2',
    JOBS_DISABLED: jobs ? '' : 'true',
    STAGE_SCHEDULE_HOURS: '0',
    ATLAS_SCHEDULE_HOURS: '0',
    AUDIT_ANCHOR_HOURS: '0',
    TRUST_PROXY: 'true',
    // As in production: a line per request (the server's stdout is read and dropped).
    LOG_LEVEL: 'info',
    BENCH_CAPTURE_FILE: captureFile,
  };
  const capture = captureFile ? ['--import', './scripts/bench/capture-statements.mjs'] : [];
  return start(['--import', 'tsx', ...capture, 'src/server.ts'], env, 'the app');
}

export function startBare(fixture: Fixture, poolSize: number, planFile: string): Promise<RunningServer> {
  return start(
    ['scripts/bench/bare-server.mjs', fixture.appUrl, String(poolSize), planFile],
    process.env,
    'the bare server',
  );
}

/** The bench user's session cookie on the app. */
export async function signIn(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: appUrl },
    body: JSON.stringify(BENCH_USER),
  });
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .find((pair) => pair.includes('session_token='));
  if (response.status !== 200 || !cookie) {
    throw new Error(`the bench user's sign-in failed: ${response.status} ${await response.text()}`);
  }
  return cookie;
}
