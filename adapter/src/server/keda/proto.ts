import { join } from 'node:path';
import { loadPackageDefinition, type GrpcObject, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

// externalscaler.proto (adapter/proto/, beside migrations/, so src and dist resolve it alike).

export const PROTO_FILE = join(__dirname, '..', '..', '..', 'proto', 'externalscaler.proto');

/** Field names as written (camelCase on the wire) and int64 as JS numbers; unset fields get defaults. */
export const PROTO_OPTIONS: Options = { keepCase: true, longs: Number, defaults: true, enums: String };

/** The ExternalScaler service constructor: its `service` definition serves, and it makes clients. */
export function loadExternalScaler(): ServiceClientConstructor {
  const pkg = loadPackageDefinition(loadSync(PROTO_FILE, PROTO_OPTIONS)).externalscaler as GrpcObject;
  return pkg.ExternalScaler as ServiceClientConstructor;
}
