import { DEFAULT_SCALE_DOWN_POLICIES, DEFAULT_SCALE_UP_POLICIES, resolveBehavior } from './behavior';
import { tolerancesFor } from './tolerance';

describe('resolveBehavior (defaults when spec.behavior is set, §4.7)', () => {
  it('fills every unset field', () => {
    expect(resolveBehavior({}, 300)).toEqual({
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: DEFAULT_SCALE_UP_POLICIES },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        policies: DEFAULT_SCALE_DOWN_POLICIES,
      },
    });
    expect(DEFAULT_SCALE_UP_POLICIES).toEqual([
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
    expect(DEFAULT_SCALE_DOWN_POLICIES).toEqual([{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  });

  it('takes the scale-down window from the controller flag and keeps what the spec sets', () => {
    const r = resolveBehavior(
      { scaleDown: { selectPolicy: 'Min', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      120,
    );
    expect(r.scaleDown).toEqual({
      stabilizationWindowSeconds: 120,
      selectPolicy: 'Min',
      policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
    });
    expect(
      resolveBehavior({ scaleUp: { stabilizationWindowSeconds: 60 } }, 300).scaleUp
        .stabilizationWindowSeconds,
    ).toBe(60);
  });
});

describe('tolerancesFor (§4.5)', () => {
  it('uses the cluster tolerance unless a direction overrides it', () => {
    expect(tolerancesFor(undefined, 0.1)).toEqual({ scaleDown: 0.1, scaleUp: 0.1 });
    expect(tolerancesFor({ scaleDown: { tolerance: 0.05 }, scaleUp: { tolerance: 0.01 } }, 0.1)).toEqual({
      scaleDown: 0.05,
      scaleUp: 0.01,
    });
    expect(tolerancesFor({ scaleUp: { tolerance: 0 } }, 0.1)).toEqual({ scaleDown: 0.1, scaleUp: 0 });
  });
});
