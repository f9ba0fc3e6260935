import type { Command } from 'commander';
import { loadConfigFile } from '../../config/load';
import { databaseSchema } from '../../config/schema';
import { openDatabase } from '../../store/db';
import { migrate } from '../../store/migrate';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the database section of --config)')
    .option('-c, --config <file>', 'configuration file (for its database section)')
    .action(async (opts: { config?: string }) => {
      const settings = opts.config ? loadConfigFile(opts.config).config.database : databaseSchema.parse({});
      const db = await openDatabase(settings);
      try {
        const applied = await migrate(db);
        process.stdout.write(
          applied.length ? `applied migrations: ${applied.join(', ')}\n` : 'database is up to date\n',
        );
      } finally {
        await db.close();
      }
    });
}
