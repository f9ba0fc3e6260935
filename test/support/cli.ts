import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FatalWaitError, waitFor } from './ports';
import { startProcess, type ManagedProcess } from './processes';

export const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'adapter', 'bin', 'costscale.js');

function ensureBuilt(): void {
  if (!existsSync(join(REPO, 'adapter', 'dist', 'cli', 'main.js'))) {
    throw new Error('adapter is not built: run `npm run build` first (the README test command does)');
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `costscale` binary to completion. */
export function costscale(args: string[], env: NodeJS.ProcessEnv = {}, cwd = REPO): Promise<CliResult> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `costscale serve` in the background. */
export function startCostscale(args: string[], env: NodeJS.ProcessEnv = {}): ManagedProcess {
  ensureBuilt();
  return startProcess(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env } });
}

/**
 * Waits until a started `costscale serve` answers /readyz 200 on `metricsPort`, failing at once with its
 * output if it exits first. The bound is generous: a start-up (Node, the embedded database's WebAssembly,
 * the first tick) on a loaded 2-core machine has taken over 30 s; waiting longer weakens no assertion.
 */
export async function waitForReady(
  proc: ManagedProcess,
  metricsPort: number,
  what = 'readiness',
): Promise<void> {
  await waitFor(
    what,
    async () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        throw new FatalWaitError(`costscale serve exited before ${what}:\n${proc.output()}`);
      return (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status === 200;
    },
    120_000,
  );
}
