import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load';

export function registerCheckConfigCommand(program: Command): void {
  program
    .command('check-config')
    .description('validate a configuration file; prints every problem with file, path and reason (exit 2)')
    .argument('<file>', 'YAML configuration file')
    .action((file: string) => {
      const { config } = loadConfigFile(file);
      process.stdout.write(
        `${file}: ok (${config.policies.length} policies, ${config.budgets.length} budgets, ` +
          `${Object.keys(config.prometheus).length} Prometheus backends)\n`,
      );
    });
}
