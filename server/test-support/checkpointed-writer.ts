// A process that records uploads into a SQLite store as fast as it can, group after group, and
// prints how many are committed after each group: checkpointer.test.ts kills it mid-write. With a
// number of groups as its second argument, it writes those, closes the store and prints "closed".
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { openSqliteStore } from '#server/store/sqlite/sqlite-store.ts';

const path = process.argv[2]!;
const store = openSqliteStore(path, createStuckRule());
const groups = process.argv[3] === undefined ? Infinity : Number(process.argv[3]);
const now = 1_800_000_000;
for (let group = 0; group < groups; group++) {
  await Promise.all(
    Array.from({ length: 50 }, (_, i) => {
      const id = `upload_${String(group * 50 + i).padStart(8, '0')}`;
      return store.recordUpload(
        { id, object: 'upload', bytes: 1000, created_at: now, expires_at: now + 3600, filename: `${id}.jsonl`, purpose: 'batch', status: 'pending', file: null },
        { at: now, via: 'create' },
      );
    }),
  );
  process.stdout.write(`committed ${(group + 1) * 50}\n`);
}
await store.close();
process.stdout.write('closed\n');
