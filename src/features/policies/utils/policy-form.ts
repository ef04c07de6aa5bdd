// The policy form's values (as typed) and the rule they make, checked as the server checks it, so
// the preview is asked for only once the rule is one the server would take.
import { POLICY_LIMITS } from '#contract/constants.ts';
import type { Policy, PolicyDraft } from '#contract/policies.ts';
import type { PolicyRuleDraft } from '#src/features/policies/api/preview-policy.ts';

export interface PolicyFormValues {
  name: string;
  enabled: boolean;
  stuck: boolean;
  /** Blank: the console's threshold. */
  stuckAfterMinutes: string;
  /** Blank: any age. */
  olderThanMinutes: string;
  client: string;
  purpose: string;
}

export type PolicyFormErrors = Partial<Record<'name' | 'rule' | 'stuckAfterMinutes' | 'olderThanMinutes', string>>;

export const EMPTY_POLICY_FORM: PolicyFormValues = { name: '', enabled: true, stuck: true, stuckAfterMinutes: '', olderThanMinutes: '', client: '', purpose: '' };

export function formValuesOf(policy: Policy): PolicyFormValues {
  return {
    name: policy.name,
    enabled: policy.enabled,
    stuck: policy.stuck,
    stuckAfterMinutes: policy.stuck_after_minutes === null ? '' : String(policy.stuck_after_minutes),
    olderThanMinutes: policy.older_than_minutes === null ? '' : String(policy.older_than_minutes),
    client: policy.client ?? '',
    purpose: policy.purpose ?? '',
  };
}

/** A whole number of minutes from 1 to `max`, or null for blank; undefined when it is not one. */
function minutesOf(text: string, max: number): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 1 && value <= max ? value : undefined;
}

const orNull = (text: string) => (text.trim() === '' ? null : text.trim());

/** The rule, or what is wrong with the values. */
export function readPolicyForm(values: PolicyFormValues): { rule: Required<PolicyRuleDraft> | null; draft: PolicyDraft | null; errors: PolicyFormErrors } {
  const errors: PolicyFormErrors = {};
  const stuckAfter = values.stuck ? minutesOf(values.stuckAfterMinutes, POLICY_LIMITS.stuckAfterMinutes) : null;
  const olderThan = minutesOf(values.olderThanMinutes, POLICY_LIMITS.olderThanMinutes);
  if (stuckAfter === undefined) errors.stuckAfterMinutes = `Enter whole minutes, from 1 to ${POLICY_LIMITS.stuckAfterMinutes} (a week), or leave it blank`;
  if (olderThan === undefined) errors.olderThanMinutes = `Enter whole minutes, from 1 to ${POLICY_LIMITS.olderThanMinutes} (a year), or leave it blank`;
  if (!values.stuck && olderThan === null) errors.rule = 'Match stuck uploads, or uploads older than some minutes (or both)';
  if (values.name.trim() === '') errors.name = 'Give the policy a name: it is the actor of its cancels in the audit log';
  else if (values.name.trim().length > POLICY_LIMITS.nameLength) errors.name = `At most ${POLICY_LIMITS.nameLength} characters`;
  if (values.client.trim().length > POLICY_LIMITS.matchLength || values.purpose.trim().length > POLICY_LIMITS.matchLength) {
    errors.rule = `Client and purpose are at most ${POLICY_LIMITS.matchLength} characters`;
  }
  const ruleOk = stuckAfter !== undefined && olderThan !== undefined && !errors.rule;
  const rule: Required<PolicyRuleDraft> | null = ruleOk
    ? { stuck: values.stuck, stuck_after_minutes: stuckAfter, older_than_minutes: olderThan, client: orNull(values.client), purpose: orNull(values.purpose) }
    : null;
  const draft: PolicyDraft | null = rule && !errors.name ? { name: values.name.trim(), enabled: values.enabled, ...rule } : null;
  return { rule, draft, errors };
}
