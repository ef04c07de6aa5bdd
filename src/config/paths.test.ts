import { describe, expect, it } from 'vitest';
import { paths, safeNext } from './paths.ts';

describe('safeNext', () => {
  it('keeps same-origin paths', () => {
    expect(safeNext('/uploads/upload_abc?x=1')).toBe('/uploads/upload_abc?x=1');
  });

  it.each(['https://evil.example', '//evil.example', '/\\evil.example', 'uploads', '/login', '/login?next=/', '', null])(
    'refuses %s',
    (next) => {
      expect(safeNext(next)).toBeNull();
    },
  );

  it('builds login links that remember where to return', () => {
    expect(paths.login.getHref('/?status=pending')).toBe('/login?next=%2F%3Fstatus%3Dpending');
    expect(paths.login.getHref('/')).toBe('/login');
  });
});
