// GET /v1/openapi.json: OpenAI's four Uploads operations as the proxy serves them (what it
// accepts, what it answers, errors included), for SDK generators, API tools and the fuzzer.
import { z } from 'zod';
import {
  addUploadPartRequestSchema,
  completeUploadRequestSchema,
  createUploadRequestSchema,
  MAX_UPLOAD_PART_BYTES,
  uploadIdSchema,
  uploadPartSchema,
  uploadSchema,
} from '#contract/uploads.ts';
import { componentSchemas, jsonSchema, pathParameter, ref } from './json-schema.ts';
import {
  DESCRIPTION_VERSION,
  describeDescription,
  errorResponse,
  jsonContent,
  responseRef,
  retryAfterHeader,
  sharedComponents,
  type OpenApiDocument,
  type Operation,
} from './openapi-document.ts';

export interface V1DescriptionOptions {
  /** Largest part the proxy accepts (AppDeps.maxPartBytes). */
  maxPartBytes?: number | undefined;
}

const requestIdHeader = {
  'x-request-id': { description: "OpenAI's id of the request (the SDKs expose it as `requestID`).", schema: jsonSchema(z.string(), 'output') },
};

const uploadIdParameter = pathParameter('upload_id', uploadIdSchema, 'The ID of the Upload (`upload_…`). Any other shape is answered 404 before OpenAI is asked.');

/** What every operation can answer besides its own outcomes. */
const commonErrors = {
  '401': responseRef('Unauthorized'),
  '413': responseRef('PayloadTooLarge'),
  '429': responseRef('RateLimited'),
  '5XX': responseRef('ServerError'),
};

/** The Upload object in a 200, and where a client can go with its id. */
function uploadAnswer(description: string, links: Record<string, unknown>) {
  return { description, headers: requestIdHeader, content: jsonContent(ref('Upload')), links };
}

const withUploadId = (operationId: string, description: string) => ({ operationId, parameters: { upload_id: '$response.body#/id' }, description });

export function describeV1(options: V1DescriptionOptions = {}): OpenApiDocument {
  const maxPartBytes = options.maxPartBytes ?? MAX_UPLOAD_PART_BYTES;
  const createUpload: Operation = {
    operationId: 'createUpload',
    tags: ['Uploads'],
    summary: 'Creates an Upload that Parts can be added to.',
    description:
      'Creates an intermediate Upload object (at most 8 GB; it expires an hour after it is created). The proxy forwards the body to OpenAI unchanged and records the Upload object it returns. Returns the Upload with status `pending`.',
    requestBody: { required: true, content: jsonContent(ref('CreateUploadRequest')) },
    responses: {
      '200': uploadAnswer('The Upload, `pending`.', {
        AddPart: withUploadId('addUploadPart', 'Add a Part to the new Upload.'),
        Complete: withUploadId('completeUpload', 'Complete the new Upload.'),
        Cancel: withUploadId('cancelUpload', 'Cancel the new Upload.'),
      }),
      '400': responseRef('BadRequest'),
      ...commonErrors,
    },
  };
  const addUploadPart: Operation = {
    operationId: 'addUploadPart',
    tags: ['Uploads'],
    summary: 'Adds a Part (a chunk of bytes) to an Upload.',
    description: `Each Part can be at most ${maxPartBytes} bytes; Parts may be added in parallel and are ordered at completion. The bytes stream through the proxy to OpenAI; only their count is kept.`,
    parameters: [uploadIdParameter],
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: ref('AddUploadPartRequest'),
          encoding: { data: { contentType: 'application/octet-stream' } },
        },
      },
    },
    responses: {
      '200': {
        description: 'The Part.',
        headers: requestIdHeader,
        content: jsonContent(ref('UploadPart')),
        links: {
          CompleteWithPart: {
            operationId: 'completeUpload',
            parameters: { upload_id: '$response.body#/upload_id' },
            requestBody: { part_ids: ['$response.body#/id'] },
            description: 'Complete the Upload with this Part alone.',
          },
          Cancel: { operationId: 'cancelUpload', parameters: { upload_id: '$response.body#/upload_id' }, description: 'Cancel the Upload.' },
        },
      },
      '400': responseRef('BadRequest'),
      '404': responseRef('NotFound'),
      ...commonErrors,
    },
  };
  const completeUpload: Operation = {
    operationId: 'completeUpload',
    tags: ['Uploads'],
    summary: 'Completes an Upload.',
    description:
      'The Parts, in the order given, must add up to the `bytes` given at creation. Returns the Upload with status `completed` and the created File object in `file`. No Parts may be added afterwards.',
    parameters: [uploadIdParameter],
    requestBody: { required: true, content: jsonContent(ref('CompleteUploadRequest')) },
    responses: {
      '200': uploadAnswer('The Upload, `completed`, with its `file`.', {
        CancelCompleted: withUploadId('cancelUpload', 'A completed Upload cannot be cancelled (400).'),
      }),
      '400': responseRef('BadRequest'),
      '404': responseRef('NotFound'),
      ...commonErrors,
    },
  };
  const cancelUpload: Operation = {
    operationId: 'cancelUpload',
    tags: ['Uploads'],
    summary: 'Cancels an Upload.',
    description:
      'Takes no body (an empty one, or `{}`, is accepted). No Parts may be added after an Upload is cancelled. Returns the Upload with status `cancelled`; the cancel is written to the console\'s audit log.',
    parameters: [uploadIdParameter],
    responses: {
      '200': uploadAnswer('The Upload, `cancelled`.', {
        AddPartAfterCancel: withUploadId('addUploadPart', 'A cancelled Upload takes no more Parts (400).'),
      }),
      '400': responseRef('BadRequest'),
      '404': responseRef('NotFound'),
      ...commonErrors,
    },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Uploads Console — OpenAI Uploads pass-through',
      version: DESCRIPTION_VERSION,
      description:
        "OpenAI's Uploads API as this proxy serves it: point any official OpenAI SDK at `<console>/v1` with a client token (not an OpenAI key) as its API key. Each operation is forwarded to OpenAI with the server's own key, and every Upload object that comes back is recorded for the dashboard. Errors are OpenAI's envelope; OpenAI's own errors pass through unchanged, except that a rejection of the server's key is a 502. There is no list and no retrieve operation, as at OpenAI.",
    },
    servers: [{ url: '/v1', description: 'This console.' }],
    security: [{ ClientToken: [] }],
    tags: [
      { name: 'Uploads', description: "OpenAI's four Uploads operations." },
      { name: 'Description', description: 'This document.' },
    ],
    paths: {
      '/openapi.json': {
        get: describeDescription('getV1Description', 'This description.', {
          description: "Public, like OpenAI's own published spec: it holds nothing about this console's tokens or data.",
          security: [],
        }),
      },
      '/uploads': { post: createUpload },
      '/uploads/{upload_id}/parts': { post: addUploadPart },
      '/uploads/{upload_id}/complete': { post: completeUpload },
      '/uploads/{upload_id}/cancel': { post: cancelUpload },
    },
    components: {
      schemas: componentSchemas([
        ...sharedComponents,
        { name: 'CreateUploadRequest', schema: createUploadRequestSchema, side: 'input' },
        { name: 'CompleteUploadRequest', schema: completeUploadRequestSchema, side: 'input' },
        { name: 'AddUploadPartRequest', schema: addUploadPartRequestSchema(maxPartBytes), side: 'input' },
        { name: 'Upload', schema: uploadSchema, side: 'output' },
        { name: 'UploadPart', schema: uploadPartSchema, side: 'output' },
      ]),
      responses: {
        BadRequest: errorResponse('The request is invalid, or the Upload is not in a state that allows it (e.g. `Cannot cancel upload with status \'completed\'.`).'),
        Unauthorized: errorResponse('No client token, or one this console does not know. (An OpenAI key is not a client token.)'),
        NotFound: errorResponse('No such Upload (also for an id that does not look like `upload_…`).'),
        PayloadTooLarge: errorResponse(`The body is too large: a Part over ${maxPartBytes} bytes, or a JSON body over 1 MB. The connection is closed.`),
        RateLimited: errorResponse('Too many failed token attempts from this address, or OpenAI\'s rate limit (passed on with its headers).', retryAfterHeader),
        ServerError: errorResponse('OpenAI failed (its 5xx passed on), could not be reached or answered badly (502), timed out (504), rejected the server\'s own key (502), or the proxy failed (500).'),
      },
      securitySchemes: {
        ClientToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'A client token issued by the console operator (CLIENT_TOKENS), sent as the SDK\'s API key.',
        },
      },
    },
  };
}
