import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ConfigError, parseConfigText } from './load';
import { ConfigManager } from './manager';

// Issue 16, defect 3: an empty file, or one without policies, must not replace a running configuration.

const BACKEND = "prometheus:\n  default: { url: 'http://p:9090' }\n";
const POLICY = `${BACKEND}policies:
  - name: web
    namespace: shop
    target: { name: web }
    demand: { query: 'sum(rate(x[1m]))' }
    capacityPerReplica: 10
    replicas: { min: 1, max: 5 }
    resources: { cpuCores: 1, memoryGiB: 1 }
`;

function problemsOf(text: string): string[] {
  try {
    parseConfigText(text, 'c.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('defect 3: empty configuration', () => {
  test('an empty file, or one with only comments, is refused and says how to allow it', () => {
    for (const text of ['', '\n', '# truncated\n']) {
      expect(problemsOf(text)).toEqual([
        'c.yaml: the file is empty; set allowEmpty: true to run without policies in the file',
      ]);
    }
  });

  test('a file without policies is refused at the policies line', () => {
    expect(problemsOf(`${BACKEND}policies: []\n`)).toEqual([
      'c.yaml:3: policies: no policies; set allowEmpty: true to run without policies in the file',
    ]);
    expect(problemsOf(BACKEND)).toEqual([
      'c.yaml:1: policies: no policies; set allowEmpty: true to run without policies in the file',
    ]);
  });

  test('allowEmpty: true accepts both; a file with policies needs nothing', () => {
    expect(parseConfigText('allowEmpty: true\n', 'c.yaml', {}).policies).toEqual([]);
    expect(parseConfigText(`${BACKEND}allowEmpty: true\n`, 'c.yaml', {}).allowEmpty).toBe(true);
    expect(parseConfigText(POLICY, 'c.yaml', {}).policies).toHaveLength(1);
  });

  test('a reload to an empty file keeps the running policies, logs the file and counts the failure', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costscale-empty-'));
    const file = join(dir, 'config.yaml');
    try {
      writeFileSync(file, POLICY);
      const lines: Array<Record<string, unknown>> = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const outcomes: string[] = [];
      const manager = new ConfigManager(file, logger, (outcome) => outcomes.push(outcome));
      const changes: number[] = [];
      manager.onChange((next) => void changes.push(next.policies.length));

      for (const text of ['', `${BACKEND}policies: []\n`]) {
        writeFileSync(file, text);
        await expect(manager.reload('file change')).resolves.toBe(false);
        expect(manager.current().policies.map((p) => p.name)).toEqual(['web']);
      }
      expect(outcomes).toEqual(['failure', 'failure']);
      expect(changes).toEqual([]);
      const rejected = lines.filter((l) => l.msg === 'configuration rejected; keeping the last good one');
      expect(rejected).toHaveLength(2);
      expect(rejected.map((l) => [l.level, l.file])).toEqual([
        [50, file],
        [50, file],
      ]);

      writeFileSync(file, `${BACKEND}allowEmpty: true\n`);
      await expect(manager.reload('SIGHUP')).resolves.toBe(true);
      expect(manager.current().policies).toEqual([]);
      expect(outcomes).toEqual(['failure', 'failure', 'success']);
      expect(changes).toEqual([0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a service cannot start on an empty file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'costscale-empty-'));
    const file = join(dir, 'config.yaml');
    try {
      writeFileSync(file, '');
      expect(() => new ConfigManager(file, pino({ level: 'silent' }))).toThrow(ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
