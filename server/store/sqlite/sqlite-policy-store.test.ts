import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { describePolicyStore } from '#server/store/policy-store-contract.ts';
import { openSqliteStore } from './sqlite-store.ts';

// Two connections to one file, as two console processes sharing it would have.
describePolicyStore('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uc-policy-store-'));
  const path = join(dir, 'store.sqlite');
  const rule = createStuckRule(3600);
  return {
    a: openSqliteStore(path, rule),
    b: openSqliteStore(path, rule),
    reopen: async () => openSqliteStore(path, rule),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
