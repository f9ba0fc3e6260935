import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../support/processes';

// The shipped rules checked and unit-tested by the real promtool.
const alerts = join(__dirname, '..', '..', 'alerts');

test('promtool check rules accepts every rule file', async () => {
  const files = readdirSync(alerts).filter((f) => f.endsWith('.rules.yaml'));
  expect(files.length).toBeGreaterThan(0);
  const out = await run('promtool', ['check', 'rules', ...files.map((f) => join(alerts, f))]);
  expect(out).toContain('SUCCESS');
});

test('promtool test rules passes every rule unit test', async () => {
  const tests = readdirSync(join(alerts, 'tests')).filter((f) => f.endsWith('.test.yaml'));
  expect(tests.length).toBeGreaterThan(0);
  const out = await run('promtool', ['test', 'rules', ...tests.map((f) => join(alerts, 'tests', f))]);
  expect(out).toContain('SUCCESS');
});
