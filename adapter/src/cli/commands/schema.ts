import type { Command } from 'commander';
import { configJsonSchema } from '../../config/jsonSchema';

export function registerSchemaCommand(program: Command): void {
  program
    .command('config-schema')
    .description('print the JSON Schema of the configuration file (for editors)')
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
}
