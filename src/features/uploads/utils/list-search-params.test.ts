import { describe, expect, it } from 'vitest';
import { filterForRequest, listHrefFor, listSearchFor, parseListSearch } from './list-search-params.ts';

const parse = (search: string) => parseListSearch(new URLSearchParams(search));

describe('the list view in the URL', () => {
  it('reads every filter, the sort and the order', () => {
    expect(parse('status=pending&purpose=batch&older_than=1800&q=train&sort=bytes&order=asc')).toEqual({
      status: 'pending',
      purpose: 'batch',
      older_than: 1800,
      q: 'train',
      sort: 'bytes',
      order: 'asc',
    });
  });

  it('round-trips: what it writes, it reads back the same', () => {
    const views = [
      { sort: 'created_at', order: 'desc' },
      { stuck: true, sort: 'last_activity_at', order: 'asc' },
      { status: 'cancelled', purpose: 'fine-tune', q: 'upload_abc', older_than: 86_400, sort: 'expires_at', order: 'asc' },
    ] as const;
    for (const view of views) expect(parseListSearch(listSearchFor(view))).toEqual(view);
  });

  it('keeps the client filter: read, written back, sent to the server, and too long a name ignored', () => {
    expect(parse('client=team-a&stuck=true')).toEqual({ stuck: true, client: 'team-a', sort: 'created_at', order: 'desc' });
    expect(listHrefFor({ stuck: true, client: 'team-a' })).toBe('/?stuck=true&client=team-a');
    expect(filterForRequest({ stuck: true, client: 'team-a' })).toEqual({ stuck: 'true', client: 'team-a' });
    expect(parse(`client=${'x'.repeat(65)}`)).toEqual({ sort: 'created_at', order: 'desc' });
  });

  it('leaves defaults out, so the plain list is just /', () => {
    expect(listHrefFor({ sort: 'created_at', order: 'desc' })).toBe('/');
    expect(listHrefFor({ status: 'pending', sort: 'created_at', order: 'desc' })).toBe('/?status=pending');
    expect(listHrefFor({ q: 'a b', sort: 'bytes', order: 'desc' })).toBe('/?q=a+b&sort=bytes&order=desc');
  });

  it('treats the stuck view as pending: a status beside it is dropped', () => {
    expect(parse('stuck=true&status=completed')).toEqual({ stuck: true, sort: 'created_at', order: 'desc' });
    expect(listHrefFor({ stuck: true, status: 'completed' })).toBe('/?stuck=true');
  });

  it('ignores what it does not understand instead of failing', () => {
    expect(parse('status=weird&sort=filename&order=up&older_than=-5&q=%20%20&stuck=yes')).toEqual({ sort: 'created_at', order: 'desc' });
    expect(parse('older_than=10m')).toEqual({ sort: 'created_at', order: 'desc' });
  });

  it('spells the filter the way the bulk-cancel endpoints take it', () => {
    expect(filterForRequest({ stuck: true, q: 'x', older_than: 600, purpose: 'batch' })).toEqual({ stuck: 'true', q: 'x', older_than: 600, purpose: 'batch' });
    expect(filterForRequest({ status: 'pending' })).toEqual({ status: 'pending' });
  });
});
