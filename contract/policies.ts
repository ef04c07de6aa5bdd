// Shapes of the cleanup policies API (/api/policies/*): rules an operator writes once, that the
// server runs every POLICY_INTERVAL_SECONDS to cancel the pending uploads they match.
import { z } from 'zod';
import { POLICY_LIMITS } from './constants.ts';
import { nonBlank, uploadRecordSchema } from './dashboard-api.ts';

/** The id of a policy, as POST /api/policies makes it. */
export const POLICY_ID_PATTERN = /^policy_[a-f0-9]{24}$/;
export const policyIdSchema = z.string().regex(POLICY_ID_PATTERN, 'must look like policy_ followed by 24 hex digits');

/** How many uploads POST /api/policies/preview lists (the total is counted in full). */
export const POLICY_PREVIEW_LIMIT = 100;

const minutes = (max: number) => z.number().int().min(1).max(max);

/**
 * What a rule matches, besides status pending (always): every condition given must hold. A rule
 * needs `stuck` or `older_than_minutes`, so that no rule cancels uploads still making progress
 * merely for their client or purpose.
 */
const policyFields = z.object({
  /** Shown in lists, and the actor and reason of every cancel the policy makes. */
  name: nonBlank(POLICY_LIMITS.nameLength),
  enabled: z.boolean(),
  /** Only stuck uploads: idle for `stuck_after_minutes` (or the console's threshold), or too slow to finish before they expire. */
  stuck: z.boolean(),
  /** With `stuck`: minutes without a part that count as stuck for this rule; null keeps the console's STUCK_AFTER_MINUTES. */
  stuck_after_minutes: minutes(POLICY_LIMITS.stuckAfterMinutes).nullable(),
  /** Only uploads created at least this many minutes ago. */
  older_than_minutes: minutes(POLICY_LIMITS.olderThanMinutes).nullable(),
  /** Only uploads made through this client token (its name in CLIENT_TOKENS). */
  client: nonBlank(POLICY_LIMITS.matchLength).nullable(),
  /** Only uploads with this purpose. */
  purpose: nonBlank(POLICY_LIMITS.matchLength).nullable(),
});

type PolicyFields = z.output<typeof policyFields>;

/** The rules a rule must keep, whole (a PATCH is checked with them after it is applied). */
export function policyRuleProblem(rule: Pick<PolicyFields, 'stuck' | 'stuck_after_minutes' | 'older_than_minutes'>): { path: string; message: string } | null {
  if (!rule.stuck && rule.older_than_minutes === null) {
    return { path: 'stuck', message: 'a policy must match stuck uploads or uploads older than some minutes (or both)' };
  }
  if (!rule.stuck && rule.stuck_after_minutes !== null) return { path: 'stuck_after_minutes', message: 'applies only with stuck: true' };
  return null;
}

/**
 * policyRuleProblem as JSON Schema, for the API's description (zod cannot derive it from the
 * refinement): stuck, or an age with no stuck_after_minutes.
 */
const RULE_AS_JSON_SCHEMA = {
  anyOf: [
    { required: ['stuck'], properties: { stuck: { const: true } } },
    { required: ['older_than_minutes'], properties: { older_than_minutes: { type: 'integer' }, stuck: { const: false }, stuck_after_minutes: { type: 'null' } } },
  ],
};

const withRuleChecked = <T extends z.ZodType<Pick<PolicyFields, 'stuck' | 'stuck_after_minutes' | 'older_than_minutes'>>>(schema: T) =>
  schema
    .superRefine((rule, ctx) => {
      const problem = policyRuleProblem(rule);
      if (problem) ctx.addIssue({ code: 'custom', path: [problem.path], message: problem.message });
    })
    .meta(RULE_AS_JSON_SCHEMA);

const draftFields = policyFields
  .extend({
    enabled: policyFields.shape.enabled.default(true),
    stuck: policyFields.shape.stuck.default(false),
    stuck_after_minutes: policyFields.shape.stuck_after_minutes.default(null),
    older_than_minutes: policyFields.shape.older_than_minutes.default(null),
    client: policyFields.shape.client.default(null),
    purpose: policyFields.shape.purpose.default(null),
  })
  .strict();

/** Body of POST /api/policies; omitted conditions are off, and a new policy is enabled unless it says not. */
export const policyCreateSchema = withRuleChecked(draftFields);
export type PolicyDraft = z.input<typeof policyCreateSchema>;
export type ParsedPolicyDraft = z.output<typeof policyCreateSchema>;

/** Body of PATCH /api/policies/:id: the fields to change (the rule as changed must still hold). */
export const policyPatchSchema = policyFields.partial().strict();
export type PolicyPatch = z.input<typeof policyPatchSchema>;

/** Body of POST /api/policies/preview: a draft rule (its name and enabled flag may be left out). */
export const policyPreviewRequestSchema = withRuleChecked(
  draftFields.extend({ name: policyFields.shape.name.optional() }),
);

/** One evaluation of a policy that matched something: the bulk job of kind policy it started. */
export const policyRunSchema = z.object({
  id: z.string(),
  object: z.literal('policy_run'),
  policy_id: z.string(),
  /** The policy's name when it ran (the actor of its cancels). */
  policy_name: z.string(),
  started_at: z.number().int(),
  /** When its job had settled every upload; null while running. */
  finished_at: z.number().int().nullable(),
  /** Pending uploads the rule matched when it ran. */
  matched: z.number().int(),
  cancelled: z.number().int(),
  /** Already finished when their turn came (completed, cancelled or expired meanwhile). */
  skipped: z.number().int(),
  /** Not cancelled: OpenAI refused, could not be reached, or did not answer in time. */
  failed: z.number().int(),
  /** The bulk cancel job that did the cancelling (its audit entries carry it as job_id). */
  job_id: z.string(),
});
export type PolicyRun = z.infer<typeof policyRunSchema>;

export const policySchema = policyFields.extend({
  id: z.string(),
  object: z.literal('policy'),
  action: z.literal('cancel'),
  created_by: z.string(),
  created_at: z.number().int(),
  updated_by: z.string(),
  updated_at: z.number().int(),
  /** Its latest runs, newest first (up to 5). */
  runs: z.array(policyRunSchema),
});
export type Policy = z.infer<typeof policySchema>;

/** The global switch: while paused no policy runs. */
export const policyPauseSchema = z.object({
  paused: z.boolean(),
  /** Who last flipped it, and when (null if never). */
  changed_by: z.string().nullable(),
  changed_at: z.number().int().nullable(),
});
export type PolicyPause = z.infer<typeof policyPauseSchema>;

/** Body of PUT /api/policies/pause. */
export const policyPauseRequestSchema = z.object({ paused: z.boolean() }).strict();

/** Answer of GET /api/policies. */
export const policyListSchema = z.object({
  object: z.literal('list'),
  data: z.array(policySchema),
  pause: policyPauseSchema,
  /** How often the server evaluates the enabled policies (POLICY_INTERVAL_SECONDS). */
  interval_seconds: z.number().int(),
});
export type PolicyList = z.infer<typeof policyListSchema>;

/** Answer of POST /api/policies/preview: what the rule would cancel right now, in the list's shape. */
export const policyPreviewSchema = z.object({
  object: z.literal('list'),
  /** The first POLICY_PREVIEW_LIMIT matching uploads, newest first. */
  data: z.array(uploadRecordSchema),
  /** Every pending upload the rule matches now. */
  total: z.number().int(),
});
export type PolicyPreview = z.infer<typeof policyPreviewSchema>;

export const POLICY_CHANGE_ACTIONS = ['create', 'update', 'enable', 'disable', 'delete', 'pause', 'resume'] as const;

/** One change to the policies (who changed what, when). */
export const policyChangeSchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  action: z.enum(POLICY_CHANGE_ACTIONS),
  /** Null for pause and resume, which concern every policy. */
  policy_id: z.string().nullable(),
  policy_name: z.string().nullable(),
  /** What changed, in words, e.g. "older_than_minutes: 60 → 30". */
  detail: z.string().nullable(),
});
export type PolicyChange = z.infer<typeof policyChangeSchema>;

export const policyChangeListSchema = z.object({ object: z.literal('list'), data: z.array(policyChangeSchema) });
export type PolicyChangeList = z.infer<typeof policyChangeListSchema>;

/** How many changes GET /api/policies/changes answers (newest first). */
export const POLICY_CHANGES_LIMIT = 100;
