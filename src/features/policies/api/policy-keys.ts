// Every query key of the policies feature, written once (TkDodo, "Effective React Query Keys").
import type { PolicyDraft } from '#contract/policies.ts';

export const policyKeys = {
  all: ['policies'] as const,
  lists: () => [...policyKeys.all, 'list'] as const,
  changes: () => [...policyKeys.all, 'changes'] as const,
  /** One key per rule: the preview of a draft, whatever its name or enabled flag. */
  preview: (rule: Omit<PolicyDraft, 'name' | 'enabled'>) =>
    [
      ...policyKeys.all,
      'preview',
      {
        stuck: rule.stuck ?? false,
        stuck_after_minutes: rule.stuck_after_minutes ?? null,
        older_than_minutes: rule.older_than_minutes ?? null,
        client: rule.client ?? null,
        purpose: rule.purpose ?? null,
      },
    ] as const,
};
