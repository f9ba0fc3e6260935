import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FatalWaitError, freePort, waitFor } from './ports';
import { run, startProcess, type ManagedProcess } from './processes';

// A real PostgreSQL from Debian's binaries: initdb into a temp dir, random port, trust auth on
// loopback. PostgreSQL refuses to run as root, so as root the cluster is owned by `postgres`.

export interface PostgresHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
  output(): string;
}

export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  throw new Error('PostgreSQL binaries not found: install Debian package "postgresql" or set PG_BIN');
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

// setpriv execs the command as `postgres` in place (runuser would stay as a parent that does not pass
// signals on), so stopping the process we started stops PostgreSQL itself.
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return asRoot
    ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--reset-env', cmd, ...args]]
    : [cmd, args];
}

export async function startPostgres(): Promise<PostgresHandle> {
  const bin = postgresBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'costscale-pg-'));
  const dataDir = join(dir, 'data');
  if (asRoot) {
    await chmod(dir, 0o777);
    await run('chown', ['postgres:postgres', dir]);
  }
  const port = await freePort();
  const [initCmd, initArgs] = asPostgres(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  await run(initCmd, initArgs);
  let proc: ManagedProcess | undefined;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const start = async (): Promise<void> => {
    const [cmd, args] = asPostgres(join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=200',
    ]);
    proc = startProcess(cmd, args);
    const p = proc;
    await waitFor(`PostgreSQL on port ${port}`, async () => {
      if (p.child.exitCode !== null) throw new FatalWaitError(`postgres exited:\n${p.output()}`);
      return /ready to accept connections/.test(p.output());
    });
  };
  await start();
  return {
    url,
    port,
    start,
    // SIGINT is PostgreSQL's "fast shutdown": clients are disconnected, the cluster stays consistent.
    stop: async () => proc?.stop('SIGINT'),
    destroy: async () => {
      await proc?.stop('SIGINT');
      await rm(dir, { recursive: true, force: true });
    },
    output: () => proc?.output() ?? '',
  };
}
