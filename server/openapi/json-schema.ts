// Every JSON Schema in the two descriptions comes from here, converted by zod's own
// z.toJSONSchema from the schemas the server validates with: none is written by hand, so the
// descriptions cannot drift from what the server accepts and answers.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** Which side of a schema to describe: what a client may send (defaults optional), or what the server sends. */
export type SchemaSide = 'input' | 'output';

export interface ComponentSchema {
  name: string;
  schema: z.ZodType;
  side: SchemaSide;
}

/** OpenAPI 3.1 schema objects are JSON Schema 2020-12; only the document-level keys go. */
function asSchemaObject(json: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = json;
  return rest;
}

/** One schema, inlined (parameters, small bodies). */
export function jsonSchema(schema: z.ZodType, side: SchemaSide): JsonSchema {
  return asSchemaObject(z.toJSONSchema(schema, { io: side, target: 'draft-2020-12' }) as JsonSchema);
}

/**
 * `components.schemas`: a schema named here that another one contains becomes a `$ref` to it.
 * Each side is converted on its own (a request schema's defaults are optional, a response's are
 * always there), so a name must belong to one side only.
 */
export function componentSchemas(components: readonly ComponentSchema[]): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const side of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string }>();
    for (const component of components.filter((c) => c.side === side)) {
      if (component.name in out || registry.has(component.schema)) throw new Error(`component schema ${component.name} is named twice`);
      registry.add(component.schema, { id: component.name });
    }
    const { schemas } = z.toJSONSchema(registry, { io: side, target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` });
    for (const [name, schema] of Object.entries(schemas)) out[name] = asSchemaObject(schema as JsonSchema);
  }
  return out;
}

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * A query object (z.object of optional or defaulted fields) as OpenAPI query parameters, one per
 * key, each converted from its own field schema.
 */
export function queryParameters(schema: z.ZodObject): Record<string, unknown>[] {
  const whole = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(whole.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: whole.required?.includes(name) ?? false,
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

export function pathParameter(name: string, schema: z.ZodType, description: string): Record<string, unknown> {
  return { name, in: 'path', required: true, description, schema: jsonSchema(schema, 'input') };
}
