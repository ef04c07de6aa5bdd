// GET /api/openapi.json: the dashboard's own API, for operators' scripts (and the fuzzer). Every
// schema is the zod schema the route validates its input with or builds its answer from.
import { z } from 'zod';
import {
  activityQuerySchema,
  auditExportQuerySchema,
  auditListSchema,
  auditQuerySchema,
  bulkCancelIdSchema,
  bulkCancelJobListSchema,
  bulkCancelJobSchema,
  bulkCancelListQuerySchema,
  bulkCancelPreviewSchema,
  bulkCancelBodySchema,
  cancelBodySchema,
  clientListSchema,
  listQuerySchema,
  loginRequestSchema,
  sessionSchema,
  timelineSchema,
  uploadActivitySchema,
  uploadListSchema,
  uploadRecordSchema,
} from '#contract/dashboard-api.ts';
import { CSRF_HEADER, CSRF_VALUE } from '#contract/constants.ts';
import { uploadIdSchema, uploadSchema } from '#contract/uploads.ts';
import { SESSION_COOKIE } from '#server/routes/session-routes.ts';
import { componentSchemas, jsonSchema, pathParameter, queryParameters, ref } from './json-schema.ts';
import { policyComponents, policyPaths, policyTag } from './policies-description.ts';
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

/** Reading: a token, or the session cookie. */
const READ: Record<string, string[]>[] = [{ OperatorToken: [] }, { SessionCookie: [] }];
/** Changing: a token, or the session cookie with the CSRF header (checked only with the cookie). */
const CHANGE: Record<string, string[]>[] = [{ OperatorToken: [] }, { SessionCookie: [], CsrfHeader: [] }];

const uploadIdParameter = pathParameter('id', uploadIdSchema, 'The Upload id (`upload_…`); any other shape is a 400.');

/** What every operator-only operation can answer besides its own outcomes. */
const guarded = {
  '401': responseRef('Unauthorized'),
  '429': responseRef('RateLimited'),
  '5XX': responseRef('ServerError'),
};
/** …and a state change, which also has a body. */
const guardedChange = {
  ...guarded,
  '403': responseRef('Forbidden'),
  '413': responseRef('PayloadTooLarge'),
  '415': responseRef('UnsupportedMediaType'),
};

const ok = (description: string, schema: unknown, extra: Record<string, unknown> = {}) => ({ description, content: jsonContent(schema), ...extra });

const uploadLinks = {
  GetUpload: { operationId: 'getUpload', parameters: { id: '$response.body#/id' } },
  GetTimeline: { operationId: 'getUploadTimeline', parameters: { id: '$response.body#/id' } },
};

export function describeApi(): OpenApiDocument {
  const operations: Record<string, Record<string, Operation>> = {
    '/openapi.json': {
      get: describeDescription('getApiDescription', 'This description.', {
        description: 'Behind operator sign-in: it maps every operator operation, which is no business of anyone without a token.',
        security: READ,
        responses: guarded,
      }),
    },
    '/session': {
      get: {
        operationId: 'getSession',
        tags: ['Session'],
        summary: 'Who is signed in, and how the console is set up.',
        security: READ,
        responses: { '200': ok('The session.', ref('Session')), ...guarded },
      },
      post: {
        operationId: 'signIn',
        tags: ['Session'],
        summary: 'Trades an operator token for a session cookie (the dashboard\'s sign-in form).',
        security: [],
        requestBody: { required: true, content: jsonContent(ref('LoginRequest')) },
        responses: {
          '200': ok('Signed in: the session, and its cookie in `Set-Cookie`.', ref('Session'), {
            headers: { 'set-cookie': { description: `The \`${SESSION_COOKIE}\` cookie (HttpOnly, SameSite=Strict).`, schema: jsonSchema(z.string(), 'output') } },
          }),
          '400': responseRef('BadRequest'),
          '401': responseRef('Unauthorized'),
          '413': responseRef('PayloadTooLarge'),
          '415': responseRef('UnsupportedMediaType'),
          '429': responseRef('RateLimited'),
          '5XX': responseRef('ServerError'),
        },
      },
      delete: {
        operationId: 'signOut',
        tags: ['Session'],
        summary: 'Ends the session: the cookie is deleted. (A token stays valid.)',
        security: [],
        responses: { '204': { description: 'Signed out.' }, '413': responseRef('PayloadTooLarge'), '5XX': responseRef('ServerError') },
      },
    },
    '/uploads': {
      get: {
        operationId: 'listUploads',
        tags: ['Uploads'],
        summary: 'Lists recorded uploads, a page at a time, with the counts per status.',
        security: READ,
        parameters: queryParameters(listQuerySchema),
        responses: {
          '200': ok('A page of uploads.', ref('UploadList'), {
            links: {
              GetFirstUpload: { operationId: 'getUpload', parameters: { id: '$response.body#/data/0/upload/id' } },
              CancelFirstUpload: { operationId: 'operatorCancelUpload', parameters: { id: '$response.body#/data/0/upload/id' } },
              NextPage: { operationId: 'listUploads', parameters: { cursor: '$response.body#/next_cursor' } },
            },
          }),
          '400': responseRef('BadRequest'),
          ...guarded,
        },
      },
    },
    '/uploads/activity': {
      get: {
        operationId: 'getUploadActivity',
        tags: ['Uploads'],
        summary: 'Uploads created per time bucket over a window (the chart above the list), by effective status now, stuck marked.',
        description:
          'Buckets are aligned on multiples of their length (UTC) and the last one holds the current moment; every bucket of the window is listed, empty ones too. A bucket\'s `start` and `end` are the list\'s `created_after` and `created_before` for its uploads.',
        security: READ,
        parameters: queryParameters(activityQuerySchema),
        responses: { '200': ok('The buckets, oldest first.', ref('UploadActivity')), '400': responseRef('BadRequest'), ...guarded },
      },
    },
    '/uploads/{id}': {
      get: {
        operationId: 'getUpload',
        tags: ['Uploads'],
        summary: 'One recorded upload, with what the console learned about it.',
        security: READ,
        parameters: [uploadIdParameter],
        responses: { '200': ok('The upload.', ref('UploadRecord')), '400': responseRef('BadRequest'), '404': responseRef('NotFound'), ...guarded },
      },
    },
    '/uploads/{id}/timeline': {
      get: {
        operationId: 'getUploadTimeline',
        tags: ['Uploads'],
        summary: "An upload's history (empty for an id the console never saw).",
        security: READ,
        parameters: [uploadIdParameter],
        responses: { '200': ok('The timeline, oldest first.', ref('Timeline')), '400': responseRef('BadRequest'), ...guarded },
      },
    },
    '/uploads/{id}/cancel': {
      post: {
        operationId: 'operatorCancelUpload',
        tags: ['Uploads'],
        summary: 'Cancels an upload at OpenAI (also one the console never saw: a cancel by id) and writes it to the audit log.',
        description: 'Read-only operators are refused (403). OpenAI\'s refusal passes on as its status and message (e.g. 400 for an upload already finished, 404 for an unknown one).',
        security: CHANGE,
        parameters: [uploadIdParameter],
        requestBody: { required: false, content: jsonContent(ref('CancelRequest')) },
        responses: {
          '200': ok("OpenAI's Upload object, `cancelled`.", ref('Upload'), { links: uploadLinks }),
          '400': responseRef('BadRequest'),
          '404': responseRef('NotFound'),
          ...guardedChange,
        },
      },
    },
    '/bulk-cancels/preview': {
      post: {
        operationId: 'previewBulkCancel',
        tags: ['Bulk cancels'],
        summary: 'What a bulk cancel would do, without doing it.',
        security: CHANGE,
        requestBody: { required: true, content: jsonContent(ref('BulkCancelRequest')) },
        responses: { '200': ok('The counts.', ref('BulkCancelPreview')), '400': responseRef('BadRequest'), ...guardedChange },
      },
    },
    '/bulk-cancels': {
      post: {
        operationId: 'startBulkCancel',
        tags: ['Bulk cancels'],
        summary: 'Starts a bulk cancel job (explicit ids, or every pending upload matching a filter).',
        description: 'The job runs on the server with bounded concurrency, honours `retry-after`, and resumes after a restart. Read-only operators are refused (403).',
        security: CHANGE,
        requestBody: { required: true, content: jsonContent(ref('BulkCancelRequest')) },
        responses: {
          '202': ok('The job, started.', ref('BulkCancelJob'), {
            links: { GetJob: { operationId: 'getBulkCancel', parameters: { id: '$response.body#/id' } } },
          }),
          '400': responseRef('BadRequest'),
          ...guardedChange,
        },
      },
      get: {
        operationId: 'listBulkCancels',
        tags: ['Bulk cancels'],
        summary: 'The latest bulk cancel jobs, newest first.',
        security: READ,
        parameters: queryParameters(bulkCancelListQuerySchema),
        responses: { '200': ok('The jobs (without their items).', ref('BulkCancelJobList')), '400': responseRef('BadRequest'), ...guarded },
      },
    },
    '/bulk-cancels/{id}': {
      get: {
        operationId: 'getBulkCancel',
        tags: ['Bulk cancels'],
        summary: 'One job, with its items that did not end cancelled (and up to 1,000 that did).',
        security: READ,
        parameters: [pathParameter('id', bulkCancelIdSchema, 'The job id (`bulk_` and 24 hex digits); any other shape is a 400.')],
        responses: { '200': ok('The job.', ref('BulkCancelJob')), '400': responseRef('BadRequest'), '404': responseRef('NotFound'), ...guarded },
      },
    },
    '/audit': {
      get: {
        operationId: 'listAudit',
        tags: ['Audit'],
        summary: 'Every cancel, newest first, a page at a time.',
        security: READ,
        parameters: queryParameters(auditQuerySchema),
        responses: {
          '200': ok('A page of audit entries.', ref('AuditList'), {
            links: { NextPage: { operationId: 'listAudit', parameters: { cursor: '$response.body#/next_cursor' } } },
          }),
          '400': responseRef('BadRequest'),
          ...guarded,
        },
      },
    },
    '/audit/export.csv': {
      get: {
        operationId: 'exportAudit',
        tags: ['Audit'],
        summary: 'Every matching audit entry as CSV (RFC 4180; cells that a spreadsheet would run as a formula are defused).',
        security: READ,
        parameters: queryParameters(auditExportQuerySchema),
        responses: {
          '200': {
            description: 'The CSV file, with a header row.',
            headers: { 'content-disposition': { description: 'attachment; filename="uploads-console-audit-<date>.csv"', schema: jsonSchema(z.string(), 'output') } },
            content: { 'text/csv': { schema: jsonSchema(z.string(), 'output') } },
          },
          '400': responseRef('BadRequest'),
          ...guarded,
        },
      },
    },
    '/clients': {
      get: {
        operationId: 'listClients',
        tags: ['Uploads'],
        summary: "Every client (client token name) that made a recorded upload, by name, with its pending, stuck and total uploads.",
        description: 'Uploads without a client (seen only through a cancel by id) are not counted here. Filter the list with `GET /uploads?client=<name>`.',
        security: READ,
        responses: { '200': ok('The clients.', ref('ClientList')), ...guarded },
      },
    },
    '/events': {
      get: {
        operationId: 'streamEvents',
        tags: ['Live'],
        summary: 'Live changes as server-sent events: `upload` (an UploadRecord), `job` (a BulkCancelJob), `counts` (StatusCounts), after a first `ready`.',
        description: 'The stream does not end by itself; a `: ping` comment every 15 s keeps proxies from closing it.',
        security: READ,
        responses: {
          '200': { description: 'The event stream.', content: { 'text/event-stream': { schema: jsonSchema(z.string(), 'output') } } },
          ...guarded,
        },
      },
    },
    ...policyPaths(),
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Uploads Console — dashboard API',
      version: DESCRIPTION_VERSION,
      description:
        `The API the dashboard uses, open to operators' scripts. Authenticate with \`Authorization: Bearer <operator token>\` (ADMIN_TOKEN or OPERATORS), or with the session cookie the dashboard gets; with the cookie, state changes must also carry \`${CSRF_HEADER}: ${CSRF_VALUE}\`. Errors are in OpenAI's envelope \`{"error": {"message", "type", "param", "code"}}\`.`,
    },
    servers: [{ url: '/api', description: 'This console.' }],
    security: READ,
    tags: [
      { name: 'Uploads', description: 'Recorded uploads and cancelling them.' },
      { name: 'Bulk cancels', description: 'Server-side jobs that cancel many uploads.' },
      { name: 'Audit', description: 'Every cancel, whoever asked for it.' },
      { name: 'Session', description: 'Signing in and out of the dashboard.' },
      { name: 'Live', description: 'Server-sent events.' },
      policyTag,
      { name: 'Description', description: 'This document.' },
    ],
    paths: operations,
    components: {
      schemas: componentSchemas([
        ...sharedComponents,
        { name: 'LoginRequest', schema: loginRequestSchema, side: 'input' },
        { name: 'CancelRequest', schema: cancelBodySchema, side: 'input' },
        { name: 'BulkCancelRequest', schema: bulkCancelBodySchema, side: 'input' },
        { name: 'Session', schema: sessionSchema, side: 'output' },
        { name: 'Upload', schema: uploadSchema, side: 'output' },
        { name: 'UploadRecord', schema: uploadRecordSchema, side: 'output' },
        { name: 'UploadList', schema: uploadListSchema, side: 'output' },
        { name: 'UploadActivity', schema: uploadActivitySchema, side: 'output' },
        { name: 'Timeline', schema: timelineSchema, side: 'output' },
        { name: 'BulkCancelPreview', schema: bulkCancelPreviewSchema, side: 'output' },
        { name: 'BulkCancelJob', schema: bulkCancelJobSchema, side: 'output' },
        { name: 'BulkCancelJobList', schema: bulkCancelJobListSchema, side: 'output' },
        { name: 'AuditList', schema: auditListSchema, side: 'output' },
        ...policyComponents,
        { name: 'ClientList', schema: clientListSchema, side: 'output' },
      ]),
      responses: {
        BadRequest: errorResponse('A parameter or the body is invalid (`param` names it), or OpenAI refused the request.'),
        Unauthorized: errorResponse('Not signed in: no token or session cookie, or one that is not valid (or has expired).'),
        Forbidden: errorResponse(`A read-only operator asked for a change (\`code: read_only_operator\`), or a cookie-authenticated change came without \`${CSRF_HEADER}: ${CSRF_VALUE}\` or from another origin (\`code: csrf_rejected\`).`),
        NotFound: errorResponse('No such upload, job or policy.'),
        Conflict: errorResponse('Another policy already has this name (`code: policy_name_taken`).'),
        PayloadTooLarge: errorResponse('The body is larger than 64 KB (1.5 MB for bulk cancels). The connection is closed.'),
        UnsupportedMediaType: errorResponse('A body was sent that is not `application/json`.'),
        RateLimited: errorResponse('Too many failed sign-in attempts from this address (whatever the token), or OpenAI\'s rate limit on a cancel.', retryAfterHeader),
        ServerError: errorResponse('OpenAI failed, could not be reached, timed out or rejected the server\'s key (502/504, or its own 5xx), or the console failed (500, saying nothing about why).'),
      },
      securitySchemes: {
        OperatorToken: { type: 'http', scheme: 'bearer', description: 'An operator token: ADMIN_TOKEN (the `admin` operator) or one from OPERATORS.' },
        SessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by the login URL or POST /api/session.' },
        CsrfHeader: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: `Must be \`${CSRF_VALUE}\`; required with the session cookie on every state change.` },
      },
    },
  };
}
