// Two replicas on one SQLite file (two connections, as two processes on one host would have).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { openSqliteStore } from '#server/store/sqlite/sqlite-store.ts';
import { describeRunnerReplicas } from './runner-replicas.ts';

describeRunnerReplicas('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'uc-runner-'));
  const path = join(dir, 'console.sqlite');
  return {
    connect: async () => openSqliteStore(path, createStuckRule()),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
