import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../log';
import { ConfigError, loadConfigFile } from './load';
import type { Config } from './schema';

export type ConfigListener = (next: Config, previous: Config) => void | Promise<void>;

/**
 * Holds the last good configuration and reloads it on file change and on SIGHUP. A bad new file is
 * rejected with every problem logged, and the last good configuration keeps running.
 */
export class ConfigManager {
  private config: Config;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly listeners: ConfigListener[] = [];
  private readonly onHup = (): void => void this.reload('SIGHUP');
  constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly onReload: (outcome: 'success' | 'failure') => void = () => undefined,
  ) {
    this.config = loadConfigFile(file).config;
  }

  current(): Config {
    return this.config;
  }

  onChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /** Watches the file's folder (editors and ConfigMap updates replace the file rather than write it). */
  start(): void {
    const dir = dirname(resolve(this.file));
    const name = basename(this.file);
    this.watcher = watch(dir, (_event, changed) => {
      // ConfigMap volumes swap a `..data` symlink; any change in the folder may be ours.
      if (changed !== null && changed !== name && !changed.startsWith('..')) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.reload('file change'), 200);
    });
    process.on('SIGHUP', this.onHup);
  }

  stop(): void {
    this.watcher?.close();
    clearTimeout(this.debounce);
    process.off('SIGHUP', this.onHup);
  }

  /** Returns true when the new file was applied. */
  async reload(trigger: string): Promise<boolean> {
    let next: Config;
    try {
      next = loadConfigFile(this.file).config;
    } catch (err) {
      this.onReload('failure');
      const problems = err instanceof ConfigError ? err.problems : [{ message: (err as Error).message }];
      this.logger.error(
        { trigger, file: this.file, problems },
        'configuration rejected; keeping the last good one',
      );
      return false;
    }
    if (JSON.stringify(next) === JSON.stringify(this.config)) return true;
    const previous = this.config;
    this.config = next;
    this.onReload('success');
    this.logger.info({ trigger, file: this.file, policies: next.policies.length }, 'configuration reloaded');
    for (const listener of this.listeners) await listener(next, previous);
    return true;
  }
}
