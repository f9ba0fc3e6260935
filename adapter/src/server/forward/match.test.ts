import { parseLabelSelector } from '../../k8s';
import { forwardSettingsSchema } from '../../config/forwardSettings';
import { chooseUpstream, compileForwardRules, isKedaRequest, unionOfResources } from './match';

const rules = compileForwardRules(
  forwardSettingsSchema.parse([
    { name: 'prom-adapter', url: 'https://a.example', metricNames: ['QueueDepth', 'http_rps'] },
    { name: 'keda', url: 'https://keda.example', kedaScaledObjects: true },
    { name: 'datadog', url: 'https://dd.example', pattern: 'datadogmetric@.+' },
  ]),
);
const sel = (text: string) => parseLabelSelector(text);

test('metric names match lower-cased, as client-go requests them', () => {
  expect(chooseUpstream(rules, 'queuedepth', sel(''))).toBe('prom-adapter');
  expect(chooseUpstream(rules, 'http_rps', sel('app=x'))).toBe('prom-adapter');
  expect(chooseUpstream(rules, 'http_rps_total', sel(''))).toBeUndefined();
});

test("KEDA's s<index>-<scaler> names go to KEDA only with the ScaledObject selector", () => {
  const keda = sel('scaledobject.keda.sh/name=checkout');
  expect(chooseUpstream(rules, 's0-prometheus', keda)).toBe('keda');
  expect(chooseUpstream(rules, 's12-external-push', keda)).toBe('keda');
  expect(chooseUpstream(rules, 's0-prometheus', sel('scaledobject.keda.sh/name in (a,b)'))).toBe('keda');
  expect(chooseUpstream(rules, 's0-prometheus', sel(''))).toBeUndefined();
  expect(chooseUpstream(rules, 's0-prometheus', sel('!scaledobject.keda.sh/name'))).toBeUndefined();
  expect(chooseUpstream(rules, 'sx-prometheus', keda)).toBeUndefined();
  expect(isKedaRequest('s0-', keda)).toBe(false);
});

test('patterns match the whole name; the first matching rule wins', () => {
  expect(chooseUpstream(rules, 'datadogmetric@shop:rps', sel(''))).toBe('datadog');
  expect(chooseUpstream(rules, 'x-datadogmetric@shop:rps', sel(''))).toBeUndefined();
  const overlapping = compileForwardRules(
    forwardSettingsSchema.parse([
      { name: 'first', url: 'https://a.example', pattern: 's[0-9]+-.*' },
      { name: 'second', url: 'https://b.example', kedaScaledObjects: true },
    ]),
  );
  expect(chooseUpstream(overlapping, 's0-cron', sel('scaledobject.keda.sh/name=x'))).toBe('first');
});

test('config: exactly one matcher, unique names, a valid pattern', () => {
  const bad = forwardSettingsSchema.safeParse([
    { name: 'a', url: 'https://a.example', metricNames: ['x'], kedaScaledObjects: true },
    { name: 'a', url: 'https://a.example', pattern: '(' },
    { name: 'c', url: 'https://a.example' },
  ]);
  expect(bad.success).toBe(false);
  const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  expect(messages).toEqual(
    expect.arrayContaining([
      '0: give exactly one of metricNames, pattern, kedaScaledObjects',
      '1.pattern: must be a regular expression',
      '2: give exactly one of metricNames, pattern, kedaScaledObjects',
    ]),
  );
});

test('discovery union keeps costscale first and drops duplicates', () => {
  expect(
    unionOfResources(
      ['costscale_replicas'],
      [
        ['s0-cron', 'costscale_replicas'],
        ['queuedepth', 's0-cron'],
      ],
    ),
  ).toEqual(['costscale_replicas', 's0-cron', 'queuedepth']);
});
