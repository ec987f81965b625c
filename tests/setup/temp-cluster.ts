import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

// A PostgreSQL cluster of one's own, for tests and scripts that kill the database (the chaos run, the
// outage test): initdb into a temporary directory, a free loopback port, the socket in the data
// directory. Nothing here reaches the machine's shared cluster.

const POSTGRES_ROOT = '/usr/lib/postgresql';
const SERVICE_USER = 'postgres';

/** The newest installed server's bin directory, or undefined when initdb is not installed. */
export function findPostgresBin(): string | undefined {
  if (!fs.existsSync(POSTGRES_ROOT)) return undefined;
  return fs
    .readdirSync(POSTGRES_ROOT)
    .filter((version) => fs.existsSync(path.join(POSTGRES_ROOT, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(POSTGRES_ROOT, version, 'bin'))[0];
}

/** Why a temporary cluster cannot be made here, or undefined when it can. */
export function tempClusterUnavailable(): string | undefined {
  if (!findPostgresBin()) return `initdb is not installed (looked under ${POSTGRES_ROOT}/*/bin)`;
  if (process.getuid?.() === 0 && !userId(SERVICE_USER)) {
    return `running as root, and initdb refuses root: no "${SERVICE_USER}" user to run it as`;
  }
  return undefined;
}

export interface TempCluster {
  /** A superuser URL of the cluster's postgres database. */
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid while it runs. */
  pid(): number;
  /** The postmaster killed with SIGKILL, as a crash or the OOM killer would: no shutdown, no checkpoint. */
  kill(): Promise<void>;
  /** Starts the postmaster again (crash recovery replays the WAL) and waits until it takes connections. */
  start(): Promise<void>;
  /** A fast shutdown, then the data directory removed. */
  dispose(): Promise<void>;
}

function userId(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

// initdb and postgres refuse to run as root; as root they run as the postgres user.
function asServiceUser(binary: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', SERVICE_USER, '--', binary, ...args]] : [binary, args];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createTempCluster(
  options: { log?: (line: string) => void } = {},
): Promise<TempCluster> {
  const why = tempClusterUnavailable();
  if (why) throw new Error(`No temporary PostgreSQL cluster: ${why}`);
  const bin = findPostgresBin()!;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-cluster-'));
  const owner = process.getuid?.() === 0 ? userId(SERVICE_USER)! : undefined;
  if (owner) fs.chownSync(dataDir, owner.uid, owner.gid);
  const [initdb, initArgs] = asServiceUser(path.join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--no-instructions',
  ]);
  execFileSync(initdb, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const logFile = path.join(dataDir, 'server.log');
  let postmaster: number | undefined;

  const start = async () => {
    const [binary, args] = asServiceUser(path.join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${dataDir}`,
      '-c',
      'max_connections=50',
    ]);
    // A killed postmaster's backends notice its death and exit on their own; until they have, the new
    // one refuses to start (their shared memory is still attached), so it is tried again.
    for (let attempt = 0; ; attempt++) {
      const log = fs.openSync(logFile, 'a');
      const child = spawn(binary, args, { stdio: ['ignore', log, log], detached: true });
      fs.closeSync(log);
      child.unref();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (let waited = 0; waited < 30_000; waited += 100) {
        if (await accepts(url)) {
          postmaster = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
          options.log?.(`postgres: ready on 127.0.0.1:${port} (pid ${postmaster})`);
          return;
        }
        if (child.exitCode !== null) break;
        await Promise.race([pause(100), exited]);
      }
      if (attempt >= 50) {
        throw new Error(
          `PostgreSQL did not start; its log:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}`,
        );
      }
      await pause(200);
    }
  };

  await start();
  return {
    url,
    port,
    dataDir,
    pid: () => postmaster!,
    async kill() {
      const pid = postmaster!;
      process.kill(pid, 'SIGKILL');
      while (isAlive(pid)) await pause(20);
      postmaster = undefined;
      options.log?.(`postgres: postmaster ${pid} killed with SIGKILL`);
    },
    start,
    async dispose() {
      if (postmaster && isAlive(postmaster)) {
        const pid = postmaster;
        process.kill(pid, 'SIGINT');
        for (let waited = 0; isAlive(pid) && waited < 20_000; waited += 50) await pause(50);
        if (isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
