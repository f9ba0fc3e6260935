// KEDA's external scaler over gRPC (trigger types external and external-push).
export { createKedaScaler } from './server';
export type { KedaMethod, KedaObserver, KedaScaler, KedaScalerOptions } from './server';
export { PROTO_FILE, PROTO_OPTIONS, loadExternalScaler } from './proto';
export { kedaScalerFromConfig, kedaScalerPart } from './part';
export type { KedaScalerPart } from './part';
