// The one translation of a cleanup policy's rule into the store's filter: the preview and the runs
// both use it, so what the preview lists is what a run then cancels.
import type { Stuck, UploadRecord } from '#contract/dashboard-api.ts';
import type { ParsedPolicyDraft } from '#contract/policies.ts';
import { createStuckRule, type StuckRule } from '#server/domain/stuck-rule.ts';
import type { StoreUploadFilter } from '#server/store/upload-store.ts';

export type PolicyRule = Pick<ParsedPolicyDraft, 'stuck' | 'stuck_after_minutes' | 'older_than_minutes' | 'client' | 'purpose'>;

/** Pending uploads matching every condition of the rule (not those whose cancel outcome is unknown: the reconciler finds out what became of them). */
export function policyFilter(rule: PolicyRule): StoreUploadFilter {
  return {
    status: 'pending',
    cancel_unknown: false,
    ...(rule.stuck ? { stuck: true } : {}),
    ...(rule.stuck && rule.stuck_after_minutes !== null ? { stuck_after_seconds: rule.stuck_after_minutes * 60 } : {}),
    ...(rule.older_than_minutes !== null ? { older_than: rule.older_than_minutes * 60 } : {}),
    ...(rule.client !== null ? { client: rule.client } : {}),
    ...(rule.purpose !== null ? { purpose: rule.purpose } : {}),
  };
}

/**
 * A record as the rule sees it: with a threshold of its own, why it is stuck by that threshold
 * (the store words it by the console's, which may call it not stuck yet).
 */
export function asSeenByRule(record: UploadRecord, rule: PolicyRule, consoleRule: StuckRule, now: number): UploadRecord {
  if (!rule.stuck || rule.stuck_after_minutes === null || rule.stuck_after_minutes * 60 === consoleRule.afterSeconds) return record;
  const stuck: Stuck | null = createStuckRule(rule.stuck_after_minutes * 60).reason(
    { ...record.upload, bytes_received: record.bytes_received, last_activity_at: record.last_activity_at },
    now,
  );
  return { ...record, stuck };
}
