// What both descriptions share: the OpenAPI document's shape, the OpenAI error envelope and the
// error answers every operation can give.
import { z } from 'zod';
import { errorEnvelopeSchema } from '#contract/uploads.ts';
import type { ComponentSchema } from './json-schema.ts';
import { jsonSchema, ref } from './json-schema.ts';

export type OpenApiDocument = {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  security: Record<string, string[]>[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    responses: Record<string, unknown>;
    securitySchemes: Record<string, unknown>;
  };
};

export type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
};

/** The answer of GET /v1/openapi.json and GET /api/openapi.json, loosely: enough to tell it is one. */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
});

/** Bump when an operation, a parameter or a schema changes in a way a client would notice. */
export const DESCRIPTION_VERSION = '1.0.0';

export const sharedComponents: ComponentSchema[] = [
  { name: 'ErrorResponse', schema: errorEnvelopeSchema, side: 'output' },
  { name: 'OpenApiDocument', schema: openApiDocumentSchema, side: 'output' },
];

/** An answer in the OpenAI error envelope. */
export function errorResponse(description: string, headers?: Record<string, unknown>) {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: ref('ErrorResponse') } },
  };
}

export const retryAfterHeader = {
  'retry-after': {
    description: 'Seconds to wait before trying again, when the server or OpenAI computed one.',
    schema: jsonSchema(z.int().min(0), 'input'),
  },
};

export const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

export function jsonContent(schema: unknown) {
  return { 'application/json': { schema } };
}

/** The description's own operation (GET /openapi.json on each surface). */
export function describeDescription(operationId: string, summary: string, extra: Partial<Operation> & { responses?: Record<string, unknown> }): Operation {
  return {
    operationId,
    summary,
    tags: ['Description'],
    ...extra,
    responses: {
      '200': { description: 'This OpenAPI 3.1 description.', content: jsonContent(ref('OpenApiDocument')) },
      '5XX': responseRef('ServerError'),
      ...extra.responses,
    },
  };
}
