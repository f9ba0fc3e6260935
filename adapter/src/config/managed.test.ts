import { configSchema, policySchema, budgetSchema } from './schema';
import { withManaged } from './managed';

const policy = (name: string, extra: Record<string, unknown> = {}) =>
  policySchema.parse({
    name,
    namespace: 'shop',
    target: { name },
    demand: { query: 'q' },
    capacityPerReplica: 1,
    replicas: { min: 1, max: 2 },
    ...extra,
  });

describe('withManaged', () => {
  const file = configSchema.parse({
    prometheus: { default: { url: 'http://p:9090' } },
    policies: [
      { ...policy('web'), overrides: [{ replicas: 1, expiresAt: '2030-01-01T00:00:00Z', reason: 'file' }] },
    ],
    budgets: [{ name: 'team', period: 'daily', amount: 1 }],
  });

  test('API policies and budgets join the file’s; on a clash the file wins and the clash is named', () => {
    const managed = {
      policies: [policy('web', { replicas: { min: 5, max: 9 } }), policy('cart')],
      budgets: [
        budgetSchema.parse({ name: 'team', period: 'weekly', amount: 9 }),
        budgetSchema.parse({ name: 'lab', period: 'daily', amount: 2 }),
      ],
      overrides: new Map(),
    };
    const { config, shadowed } = withManaged(file, managed);
    expect(config.policies.map((p) => [p.name, p.replicas.max])).toEqual([
      ['web', 2],
      ['cart', 2],
    ]);
    expect(config.budgets.map((b) => [b.name, b.period])).toEqual([
      ['team', 'daily'],
      ['lab', 'daily'],
    ]);
    expect(shadowed).toEqual({ policies: ['shop/web'], budgets: ['team'] });
    expect(file.policies).toHaveLength(1);
  });

  test('an API override goes in front of the policy’s own, so decide() applies it first', () => {
    const expiresAt = Date.parse('2029-06-01T12:00:00Z');
    const { config } = withManaged(file, {
      policies: [policy('cart')],
      budgets: [],
      overrides: new Map([
        ['shop/web', { replicas: 7, expiresAt, reason: 'launch' }],
        ['shop/cart', { replicas: 3, expiresAt }],
      ]),
    });
    expect(config.policies[0]!.overrides).toEqual([
      { replicas: 7, expiresAt: '2029-06-01T12:00:00.000Z', reason: 'launch' },
      { replicas: 1, expiresAt: '2030-01-01T00:00:00Z', reason: 'file' },
    ]);
    expect(config.policies[1]!.overrides).toEqual([
      { replicas: 3, expiresAt: '2029-06-01T12:00:00.000Z', reason: '' },
    ]);
  });
});
