import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { EXIT_INPUT, EXIT_OK, EXIT_RUNTIME, InputError } from './errors';
import { ConfigError } from '../config/load';
import { registerServeCommand } from './commands/serve';
import { registerCheckConfigCommand } from './commands/checkConfig';
import { registerMigrateCommand } from './commands/migrate';
import { registerSchemaCommand } from './commands/schema';
import { registerForecastCommand } from './commands/forecast';
import { registerSimulateCommand } from './commands/simulate';
import { registerApikeyCommand } from './commands/apikey';
import { registerRecommendCommand } from './commands/recommend';
import { registerAnomaliesCommand } from './commands/anomalies';

export function buildProgram(): Command {
  const program = new Command('costscale')
    .description('Cost-aware autoscaling for Kubernetes: metrics for HPA and KEDA, forecasts, budgets')
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerCheckConfigCommand(program);
  registerMigrateCommand(program);
  registerSchemaCommand(program);
  registerForecastCommand(program);
  registerSimulateCommand(program);
  registerApikeyCommand(program);
  registerRecommendCommand(program);
  registerAnomaliesCommand(program);
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError();
  return program;
}

/** Entry of the `costscale` binary: 0 ok, 2 bad usage or invalid input, 1 runtime failure. */
export async function main(argv: string[]): Promise<void> {
  const code = await run(argv);
  if (code !== EXIT_OK) process.exitCode = code;
}

export async function run(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT_OK : EXIT_INPUT;
    }
    if (err instanceof ConfigError || err instanceof InputError) {
      process.stderr.write(`${err.message}\n`);
      return EXIT_INPUT;
    }
    process.stderr.write(`costscale: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT_RUNTIME;
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
