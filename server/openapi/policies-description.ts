// The cleanup policies' part of the dashboard API's description (api-description.ts spreads it in).
import {
  policyChangeListSchema,
  policyCreateSchema,
  policyIdSchema,
  policyListSchema,
  policyPatchSchema,
  policyPauseRequestSchema,
  policyPauseSchema,
  policyPreviewRequestSchema,
  policyPreviewSchema,
  policySchema,
} from '#contract/policies.ts';
import { pathParameter, ref, type ComponentSchema } from './json-schema.ts';
import { jsonContent, responseRef, type Operation } from './openapi-document.ts';

const READ: Record<string, string[]>[] = [{ OperatorToken: [] }, { SessionCookie: [] }];
const CHANGE: Record<string, string[]>[] = [{ OperatorToken: [] }, { SessionCookie: [], CsrfHeader: [] }];
const guarded = { '401': responseRef('Unauthorized'), '429': responseRef('RateLimited'), '5XX': responseRef('ServerError') };
const withBody = { '400': responseRef('BadRequest'), '403': responseRef('Forbidden'), '413': responseRef('PayloadTooLarge'), '415': responseRef('UnsupportedMediaType'), ...guarded };
const ok = (description: string, schema: unknown) => ({ description, content: jsonContent(schema) });
const TAG = 'Cleanup policies';
const READ_ONLY_REFUSED = 'Read-only operators are refused (403, `code: read_only_operator`). The change is written to the policy change log.';

const idParameter = pathParameter('id', policyIdSchema, 'The policy id (`policy_` and 24 hex digits); any other shape is a 400.');

export const policyTag = { name: TAG, description: 'Rules the server runs every POLICY_INTERVAL_SECONDS to cancel the pending uploads they match.' };

export const policyComponents: ComponentSchema[] = [
  { name: 'PolicyCreateRequest', schema: policyCreateSchema, side: 'input' },
  { name: 'PolicyPatchRequest', schema: policyPatchSchema, side: 'input' },
  { name: 'PolicyPreviewRequest', schema: policyPreviewRequestSchema, side: 'input' },
  { name: 'PolicyPauseRequest', schema: policyPauseRequestSchema, side: 'input' },
  { name: 'Policy', schema: policySchema, side: 'output' },
  { name: 'PolicyList', schema: policyListSchema, side: 'output' },
  { name: 'PolicyPreview', schema: policyPreviewSchema, side: 'output' },
  { name: 'PolicyPause', schema: policyPauseSchema, side: 'output' },
  { name: 'PolicyChangeList', schema: policyChangeListSchema, side: 'output' },
];

export function policyPaths(): Record<string, Record<string, Operation>> {
  return {
    '/policies': {
      get: {
        operationId: 'listPolicies',
        tags: [TAG],
        summary: 'Every policy (oldest first) with its latest runs, the global pause, and the evaluation interval.',
        security: READ,
        responses: { '200': ok('The policies.', ref('PolicyList')), ...guarded },
      },
      post: {
        operationId: 'createPolicy',
        tags: [TAG],
        summary: 'Creates a policy: pending uploads that are stuck and/or older than some minutes, optionally of one client or purpose, are cancelled.',
        description: `A rule needs \`stuck\` or \`older_than_minutes\`. Names are unique (409 \`policy_name_taken\`). ${READ_ONLY_REFUSED}`,
        security: CHANGE,
        requestBody: { required: true, content: jsonContent(ref('PolicyCreateRequest')) },
        responses: { '201': ok('The policy, created.', ref('Policy')), '409': responseRef('Conflict'), ...withBody },
      },
    },
    '/policies/preview': {
      post: {
        operationId: 'previewPolicy',
        tags: [TAG],
        summary: 'The pending uploads a draft rule would cancel right now (the first 100, newest first, and how many in all).',
        security: CHANGE,
        requestBody: { required: true, content: jsonContent(ref('PolicyPreviewRequest')) },
        responses: { '200': ok('The matching uploads.', ref('PolicyPreview')), ...withBody },
      },
    },
    '/policies/changes': {
      get: {
        operationId: 'listPolicyChanges',
        tags: [TAG],
        summary: 'Who changed which policy (or the pause), how and when: the latest 100, newest first.',
        security: READ,
        responses: { '200': ok('The changes.', ref('PolicyChangeList')), ...guarded },
      },
    },
    '/policies/pause': {
      put: {
        operationId: 'setPolicyPause',
        tags: [TAG],
        summary: 'Pauses every policy (no new run starts) or resumes them.',
        description: READ_ONLY_REFUSED,
        security: CHANGE,
        requestBody: { required: true, content: jsonContent(ref('PolicyPauseRequest')) },
        responses: { '200': ok('The switch as it now is.', ref('PolicyPause')), ...withBody },
      },
    },
    '/policies/{id}': {
      get: {
        operationId: 'getPolicy',
        tags: [TAG],
        summary: 'One policy, with its latest runs.',
        security: READ,
        parameters: [idParameter],
        responses: { '200': ok('The policy.', ref('Policy')), '400': responseRef('BadRequest'), '404': responseRef('NotFound'), ...guarded },
      },
      patch: {
        operationId: 'updatePolicy',
        tags: [TAG],
        summary: 'Changes a policy (e.g. `{"enabled": false}`); the rule as changed must still hold.',
        description: READ_ONLY_REFUSED,
        security: CHANGE,
        parameters: [idParameter],
        requestBody: { required: true, content: jsonContent(ref('PolicyPatchRequest')) },
        responses: { '200': ok('The policy as changed.', ref('Policy')), '404': responseRef('NotFound'), '409': responseRef('Conflict'), ...withBody },
      },
      delete: {
        operationId: 'deletePolicy',
        tags: [TAG],
        summary: 'Deletes a policy (its runs and its cancels stay in the audit log).',
        description: READ_ONLY_REFUSED,
        security: CHANGE,
        parameters: [idParameter],
        responses: { '204': { description: 'Deleted.' }, '400': responseRef('BadRequest'), '403': responseRef('Forbidden'), '404': responseRef('NotFound'), '413': responseRef('PayloadTooLarge'), ...guarded },
      },
    },
  };
}
