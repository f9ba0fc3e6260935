import type { PolicyMode, SimulationRequest } from '../../api/types';

/** What the Simulator page's form holds, as typed (strings until validated). */
export interface SimulationFormValues {
  mode: PolicyMode;
  /** Empty: the policy's own value. */
  sloMissCostPerHour: string;
  minReplicas: string;
  maxReplicas: string;
  compareHpa: boolean;
  /**
   * The CPU HPAs' target utilisations in percent, as a user would write `averageUtilization`, comma
   * separated: a user who would tune the HPA instead of installing costscale compares with several.
   */
  hpaTargetPercent: string;
  /** Empty: the controller's default (300 s). */
  hpaScaleDownWindowSeconds: string;
  /** Empty: the adapter's default for the HPA reading costscale (deploy/examples/hpa.yaml's). */
  costscaleScaleDownWindowSeconds: string;
  compareFixed: boolean;
}

export type SimulationFormErrors = Partial<Record<keyof SimulationFormValues, string>>;

/** The adapter's bounds (adapter/src/server/rest/schemas.ts: simulationRequest). */
const MAX_WINDOW_SECONDS = 3600;
const MAX_BASELINES = 5;

const isInt = (text: string) => /^[0-9]+$/.test(text.trim());

const targetsOf = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

function windowError(text: string): string | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  return isInt(text) && Number(text) <= MAX_WINDOW_SECONDS
    ? undefined
    : `whole seconds from 0 to ${MAX_WINDOW_SECONDS}`;
}

/** The form's errors, per field; empty when the request can be sent. */
export function simulationFormErrors(values: SimulationFormValues): SimulationFormErrors {
  const errors: SimulationFormErrors = {};
  const slo = values.sloMissCostPerHour.trim();
  if (slo !== '' && !(Number.isFinite(Number(slo)) && Number(slo) >= 0)) {
    errors.sloMissCostPerHour = 'a cost of 0 or more, or empty for the policy’s own';
  }
  if (!isInt(values.minReplicas)) {
    errors.minReplicas = 'a whole number of replicas';
  }
  if (!isInt(values.maxReplicas) || Number(values.maxReplicas) < 1) {
    errors.maxReplicas = 'a whole number of replicas, at least 1';
  } else if (isInt(values.minReplicas) && Number(values.maxReplicas) < Number(values.minReplicas)) {
    errors.maxReplicas = 'at least the minimum';
  }
  if (values.compareHpa) {
    const targets = targetsOf(values.hpaTargetPercent);
    if (targets.length === 0 || !targets.every((t) => isInt(t) && Number(t) >= 1 && Number(t) <= 100)) {
      errors.hpaTargetPercent = 'whole percentages from 1 to 100, comma separated';
    } else if (targets.length + (values.compareFixed ? 1 : 0) > MAX_BASELINES) {
      errors.hpaTargetPercent = `at most ${MAX_BASELINES} baselines in one run`;
    }
    const hpaWindow = windowError(values.hpaScaleDownWindowSeconds);
    if (hpaWindow) {
      errors.hpaScaleDownWindowSeconds = hpaWindow;
    }
  }
  const ownWindow = windowError(values.costscaleScaleDownWindowSeconds);
  if (ownWindow) {
    errors.costscaleScaleDownWindowSeconds = ownWindow;
  }
  return errors;
}

/** The request body for valid form values; `window` is the history replayed (e.g. `7d`). */
export function simulationRequest(values: SimulationFormValues, window: string): SimulationRequest {
  const slo = values.sloMissCostPerHour.trim();
  const hpaWindow = values.hpaScaleDownWindowSeconds.trim();
  const ownWindow = values.costscaleScaleDownWindowSeconds.trim();
  const baselines = [
    ...(values.compareHpa ? targetsOf(values.hpaTargetPercent).map((t) => `hpa-cpu:${Number(t) / 100}`) : []),
    ...(values.compareFixed ? [`fixed:${Number(values.maxReplicas)}`] : []),
  ];
  return {
    window,
    parameters: {
      mode: values.mode,
      ...(slo !== '' && { sloMissCostPerHour: Number(slo) }),
      minReplicas: Number(values.minReplicas),
      maxReplicas: Number(values.maxReplicas),
    },
    baselines,
    ...(values.compareHpa && hpaWindow !== '' && { hpaScaleDownWindowSeconds: Number(hpaWindow) }),
    ...(ownWindow !== '' && { costscaleScaleDownWindowSeconds: Number(ownWindow) }),
  };
}
