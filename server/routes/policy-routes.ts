// /api/policies: cleanup policies. Anyone signed in reads them and previews a rule; changing them
// (create, change, delete, pause) is refused to read-only operators, by the server.
import { Hono } from 'hono';
import { POLICY_ID_PATTERN, policyCreateSchema, policyPatchSchema, policyPauseRequestSchema, policyPreviewRequestSchema } from '#contract/policies.ts';
import type { AppEnv } from '#server/app-env.ts';
import { ApiError } from '#server/lib/api-error.ts';
import { requirePolicyRight } from '#server/lib/require-role.ts';
import { parseJsonBody } from '#server/lib/validation.ts';
import type { PolicyService } from '#server/policies/policy-service.ts';
import { PolicyNameTakenError } from '#server/store/policy-store.ts';

function policyId(raw: string): string {
  if (!POLICY_ID_PATTERN.test(raw)) throw new ApiError(400, 'Invalid policy id: it must look like policy_ followed by 24 hex digits.', { param: 'id' });
  return raw;
}

/** A name another policy has is a 409 naming it. */
async function naming<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PolicyNameTakenError) throw new ApiError(409, error.message, { param: 'name', code: 'policy_name_taken' });
    throw error;
  }
}

export function policyRoutes({ policies }: { policies: PolicyService }) {
  return new Hono<AppEnv>()
    .get('/', async (c) => c.json(await policies.list()))
    .post('/', async (c) => {
      requirePolicyRight(c);
      const draft = await parseJsonBody(c, policyCreateSchema);
      return c.json(await naming(() => policies.create(draft, c.get('operator').name)), 201);
    })
    .post('/preview', async (c) => c.json(await policies.preview(await parseJsonBody(c, policyPreviewRequestSchema))))
    .get('/changes', async (c) => c.json({ object: 'list', data: await policies.changes() }))
    .put('/pause', async (c) => {
      requirePolicyRight(c);
      const { paused } = await parseJsonBody(c, policyPauseRequestSchema);
      return c.json(await policies.setPause(paused, c.get('operator').name));
    })
    .get('/:id', async (c) => c.json(await policies.get(policyId(c.req.param('id')))))
    .patch('/:id', async (c) => {
      requirePolicyRight(c);
      const id = policyId(c.req.param('id'));
      const patch = await parseJsonBody(c, policyPatchSchema);
      return c.json(await naming(() => policies.update(id, patch, c.get('operator').name)));
    })
    .delete('/:id', async (c) => {
      requirePolicyRight(c);
      await policies.delete(policyId(c.req.param('id')), c.get('operator').name);
      return c.body(null, 204);
    });
}
