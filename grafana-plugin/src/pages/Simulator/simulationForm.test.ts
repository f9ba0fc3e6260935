import { simulationFormErrors, simulationRequest, type SimulationFormValues } from './simulationForm';

const values: SimulationFormValues = {
  mode: 'balanced',
  sloMissCostPerHour: '',
  minReplicas: '2',
  maxReplicas: '20',
  compareHpa: true,
  hpaTargetPercent: '60, 70,80',
  hpaScaleDownWindowSeconds: '',
  costscaleScaleDownWindowSeconds: '',
  compareFixed: false,
};

describe('the simulator form', () => {
  it('sends HPA baselines at each target and leaves unset windows to the adapter', () => {
    expect(simulationFormErrors(values)).toEqual({});
    expect(simulationRequest(values, '7d')).toEqual({
      window: '7d',
      parameters: { mode: 'balanced', minReplicas: 2, maxReplicas: 20 },
      baselines: ['hpa-cpu:0.6', 'hpa-cpu:0.7', 'hpa-cpu:0.8'],
    });
  });

  it('sends both sides’ scale-down windows, the SLO-miss cost and a fixed baseline when set', () => {
    const request = simulationRequest(
      {
        ...values,
        sloMissCostPerHour: '2.5',
        hpaTargetPercent: '55',
        hpaScaleDownWindowSeconds: '60',
        costscaleScaleDownWindowSeconds: '120',
        compareFixed: true,
      },
      '2d',
    );
    expect(request).toEqual({
      window: '2d',
      parameters: { mode: 'balanced', sloMissCostPerHour: 2.5, minReplicas: 2, maxReplicas: 20 },
      baselines: ['hpa-cpu:0.55', 'fixed:20'],
      hpaScaleDownWindowSeconds: 60,
      costscaleScaleDownWindowSeconds: 120,
    });
  });

  it('sends no CPU HPA, nor its window, when it is not compared', () => {
    const request = simulationRequest(
      { ...values, compareHpa: false, hpaScaleDownWindowSeconds: '60', compareFixed: true },
      '7d',
    );
    expect(request.baselines).toEqual(['fixed:20']);
    expect(request).not.toHaveProperty('hpaScaleDownWindowSeconds');
  });

  it('names every invalid field with the adapter’s bounds', () => {
    expect(
      simulationFormErrors({
        ...values,
        sloMissCostPerHour: '-1',
        minReplicas: '1.5',
        maxReplicas: '0',
        hpaTargetPercent: '70, 120',
        hpaScaleDownWindowSeconds: '3601',
        costscaleScaleDownWindowSeconds: 'soon',
      }),
    ).toEqual({
      sloMissCostPerHour: 'a cost of 0 or more, or empty for the policy’s own',
      minReplicas: 'a whole number of replicas',
      maxReplicas: 'a whole number of replicas, at least 1',
      hpaTargetPercent: 'whole percentages from 1 to 100, comma separated',
      hpaScaleDownWindowSeconds: 'whole seconds from 0 to 3600',
      costscaleScaleDownWindowSeconds: 'whole seconds from 0 to 3600',
    });
    expect(simulationFormErrors({ ...values, minReplicas: '30' })).toEqual({
      maxReplicas: 'at least the minimum',
    });
    expect(simulationFormErrors({ ...values, hpaTargetPercent: '' })).toHaveProperty('hpaTargetPercent');
  });

  it('keeps to the adapter’s five baselines a run', () => {
    expect(
      simulationFormErrors({ ...values, hpaTargetPercent: '50, 60, 70, 80, 90', compareFixed: true }),
    ).toEqual({ hpaTargetPercent: 'at most 5 baselines in one run' });
    expect(simulationFormErrors({ ...values, hpaTargetPercent: '50, 60, 70, 80, 90' })).toEqual({});
  });

  it('checks the HPA fields only when the HPA is compared', () => {
    expect(
      simulationFormErrors({
        ...values,
        compareHpa: false,
        hpaTargetPercent: 'x',
        hpaScaleDownWindowSeconds: '-5',
      }),
    ).toEqual({});
  });
});
