import { describe, expect, it } from 'vitest';
import { clientOptionLabel, clientsByUrgency, sdkLabel } from './client-wording.ts';

describe('client wording', () => {
  it('labels a filter option with its pending and stuck counts', () => {
    expect(clientOptionLabel({ name: 'team-a', pending: 5, stuck: 3, total: 40 })).toBe('team-a — 5 pending, 3 stuck');
    expect(clientOptionLabel({ name: 'ingest-bot', pending: 0, stuck: 0, total: 2 })).toBe('ingest-bot — 0 pending, 0 stuck');
  });

  it('puts the clients with the most stuck uploads first', () => {
    const ordered = clientsByUrgency([
      { name: 'b', pending: 9, stuck: 0, total: 9 },
      { name: 'c', pending: 2, stuck: 2, total: 2 },
      { name: 'a', pending: 9, stuck: 0, total: 9 },
      { name: 'd', pending: 4, stuck: 2, total: 4 },
    ]);
    expect(ordered.map((c) => c.name)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('says so when a request named no software', () => {
    expect(sdkLabel({ name: 'team-b', sdk: null })).toBe('software not named');
    expect(sdkLabel({ name: 'team-b', sdk: 'python 3.22.1' })).toBe('python 3.22.1');
  });
});
