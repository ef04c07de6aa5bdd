import { describe, expect, it } from 'vitest';
import { AUDIT_SOURCES, CANCEL_OUTCOMES } from '#contract/constants.ts';
import { describeActor, OUTCOME_HINTS, OUTCOME_LABELS, SOURCE_HINTS, SOURCE_LABELS } from './audit-wording.ts';

describe('audit wording', () => {
  it('says each outcome in words', () => {
    expect(CANCEL_OUTCOMES.map((outcome) => OUTCOME_LABELS[outcome])).toEqual([
      'cancelled',
      'already finished',
      'not found',
      'failed',
      'unknown',
      'skipped',
    ]);
    for (const outcome of CANCEL_OUTCOMES) expect(OUTCOME_HINTS[outcome]).toMatch(/\.$/);
  });

  it('says where each cancel came from in words', () => {
    expect(AUDIT_SOURCES.map((source) => SOURCE_LABELS[source])).toEqual(['Row cancel', 'Bulk cancel', 'Cancel by id', 'API', 'SDK client', 'Server check', 'Cleanup policy']);
    for (const source of AUDIT_SOURCES) expect(SOURCE_HINTS[source]).not.toBe('');
  });

  it('tells SDK clients from operators', () => {
    expect(describeActor('client:etl-nightly')).toEqual({ name: 'etl-nightly', isClient: true });
    expect(describeActor('alice')).toEqual({ name: 'alice', isClient: false });
    // A client with no name after the prefix still shows something.
    expect(describeActor('client:')).toEqual({ name: 'client:', isClient: true });
  });
});
