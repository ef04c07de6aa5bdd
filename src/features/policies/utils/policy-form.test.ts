import { describe, expect, it } from 'vitest';
import { EMPTY_POLICY_FORM, readPolicyForm } from './policy-form.ts';

describe('readPolicyForm', () => {
  it('makes the draft the server takes, blanks meaning "any"', () => {
    expect(readPolicyForm({ ...EMPTY_POLICY_FORM, name: ' stale ', stuckAfterMinutes: '30', purpose: 'batch' }).draft).toEqual({
      name: 'stale',
      enabled: true,
      stuck: true,
      stuck_after_minutes: 30,
      older_than_minutes: null,
      client: null,
      purpose: 'batch',
    });
  });

  it('refuses a rule on status alone, and minutes that are not whole and in range', () => {
    const noCondition = readPolicyForm({ ...EMPTY_POLICY_FORM, name: 'x', stuck: false });
    expect(noCondition.rule).toBeNull();
    expect(noCondition.errors.rule).toMatch(/stuck uploads, or uploads older/);
    for (const bad of ['0', '1.5', 'soon', '600000']) expect(readPolicyForm({ ...EMPTY_POLICY_FORM, name: 'x', olderThanMinutes: bad }).errors.olderThanMinutes).toBeDefined();
  });

  it('previews a rule before it has a name', () => {
    const { rule, draft, errors } = readPolicyForm({ ...EMPTY_POLICY_FORM, stuck: false, olderThanMinutes: '60' });
    expect(rule).toEqual({ stuck: false, stuck_after_minutes: null, older_than_minutes: 60, client: null, purpose: null });
    expect(draft).toBeNull();
    expect(errors.name).toBeDefined();
  });
});
