import { z } from 'zod';
import { configSchema } from './schema';

/** JSON Schema of the configuration file (for editors), generated from the zod schema. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://costscale.dev/schemas/config.schema.json',
    title: 'costscale configuration',
  };
}
