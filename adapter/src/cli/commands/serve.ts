import type { Command } from 'commander';
import { boundHeapGrowth } from '../../engine/heapGrowth';
import { createLogger } from '../../log';
import { startService } from '../../main';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run the adapter: engine, External Metrics API, REST API, /metrics (the main job)')
    .requiredOption('-c, --config <file>', 'YAML configuration file')
    .action(async (opts: { config: string }) => {
      // The process's own V8 setting, before the service allocates: not for services started in-process.
      boundHeapGrowth();
      const logger = createLogger();
      const service = await startService(opts.config, logger);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          service.stop(signal).then(resolve, (err: Error) => {
            logger.error({ err }, 'shutdown failed');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
      });
    });
}
