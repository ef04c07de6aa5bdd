import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SORT_FIELDS } from '#contract/dashboard-api.ts';
import { createStuckRule } from '#server/domain/stuck-rule.ts';
import { describeUploadStore } from '#server/store/store-contract.ts';
import { fillSqlite } from '#server/test-support/fill-uploads.ts';
import { migrations } from './migrations.ts';
import { openSqliteStore, type SqliteUploadStore } from './sqlite-store.ts';

const NOW = 1_800_000_000;
/** How the name of each sort's indexes (migrations.ts) spells its column. */
const SORT_INDEX_COLUMN = { created_at: 'created', expires_at: 'expiry_id', bytes: 'bytes', last_activity_at: 'activity' } as const;

describeUploadStore('sqlite', async ({ stuckRule, willReopen }) => {
  // In memory unless the test reopens it: filling a file row by row is several times slower.
  if (!willReopen) {
    const store = openSqliteStore(':memory:', stuckRule);
    return { store, fill: async (rows) => store.withDatabase((db) => fillSqlite(db, rows)) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'uc-store-'));
  const path = join(dir, 'nested', 'store.sqlite');
  return {
    store: openSqliteStore(path, stuckRule),
    reopen: async () => openSqliteStore(path, stuckRule),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('the SQLite file', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uc-store-'));
    path = join(dir, 'nested', 'store.sqlite');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is created, with its folder, in WAL mode with every migration applied', async () => {
    await openSqliteStore(path, createStuckRule()).close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'uploads'").pluck().all();
    expect(indexes).toEqual(expect.arrayContaining(['uploads_by_created', 'uploads_by_status_created', 'uploads_by_status_expiry_id']));
    db.close();
  });

  it('migrates a file written by an older version, keeping its rows and indexing them', async () => {
    // A file as the first release left it: one migration applied, two uploads recorded.
    const old = new Database(join(dir, 'old.sqlite'));
    old.exec(migrations[0]!);
    old.pragma('user_version = 1');
    const insert = old.prepare(`INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json, first_seen_at, last_activity_at, seen_via)
      VALUES (@id, @status, @created_at, @expires_at, 100, @filename, 'batch', @object_json, @created_at, @created_at, 'create')`);
    for (const [id, status] of [['upload_old1', 'pending'], ['upload_old2', 'cancelled']] as const) {
      const upload = { id, object: 'upload', bytes: 100, created_at: NOW - 60, expires_at: NOW + 3540, filename: `${id}-quarterly.jsonl`, purpose: 'batch', status, file: null };
      insert.run({ id, status, created_at: upload.created_at, expires_at: upload.expires_at, filename: upload.filename, object_json: JSON.stringify(upload) });
    }
    old.close();

    const store = openSqliteStore(join(dir, 'old.sqlite'), createStuckRule());
    try {
      // The counts table and the search index were built after these rows: they must include them.
      expect(await store.countByStatus(NOW)).toMatchObject({ pending: 1, cancelled: 1 });
      expect((await store.listUploads({ q: 'quarterly', limit: 10 }, NOW)).data.map((r) => r.upload.id)).toEqual(['upload_old2', 'upload_old1']);
      expect(await store.getUpload('upload_old1', NOW)).toMatchObject({ status: 'pending', cancel_outcome_unknown: false });
      await store.recordCancelOutcome({
        entry: { at: NOW, actor: 'ops', source: 'dashboard', upload_id: 'upload_old1', reason: null, outcome: 'unknown', upstream_status: null, request_id: null, job_id: null, message: null },
        change: { kind: 'mark_unknown' },
      });
      expect(await store.cancelsWithUnknownOutcome(10)).toEqual(['upload_old1']);
    } finally {
      await store.close();
    }
    const db = new Database(join(dir, 'old.sqlite'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    db.close();
  });

  it("counts each client's uploads recorded before the client counts existed (the last migration's backfill)", async () => {
    const old = new Database(join(dir, 'old.sqlite'));
    const before = migrations.findIndex((sql) => sql.includes('CREATE TABLE client_counts'));
    for (const sql of migrations.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    const insert = old.prepare(`INSERT INTO uploads (id, status, created_at, expires_at, bytes, filename, purpose, object_json, first_seen_at, last_activity_at, seen_via, client_name)
      VALUES (?, 'completed', 1, 3601, 1, 'a.jsonl', 'batch', '{}', 1, 1, 'create', ?)`);
    for (let i = 1; i <= 10; i++) insert.run(`upload_${i}`, ['team-b', 'team-a', null][i % 3]);
    old.close();
    const store = openSqliteStore(join(dir, 'old.sqlite'), createStuckRule());
    try {
      expect((await store.countByClient(2)).map(({ name, total }) => [name, total])).toEqual([
        ['team-a', 4],
        ['team-b', 3],
      ]);
    } finally {
      await store.close();
    }
  });

  it('does not run a migration twice when it is reopened', async () => {
    const first = openSqliteStore(path, createStuckRule());
    await first.recordUpload({ id: 'upload_a', object: 'upload', bytes: 1, created_at: NOW, expires_at: NOW + 3600, filename: 'a.jsonl', purpose: 'batch', status: 'pending', file: null }, { at: NOW, via: 'create' });
    await first.close();
    // A migration run again would fail (its tables exist) or double the counts it backfills.
    const again = openSqliteStore(path, createStuckRule());
    expect(await again.countByStatus(NOW)).toMatchObject({ pending: 1 });
    await again.close();
  });
});

describe('two connections on one file (two processes sharing it)', () => {
  let dir: string;
  let a: SqliteUploadStore;
  let b: SqliteUploadStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uc-store-'));
    const path = join(dir, 'store.sqlite');
    a = openSqliteStore(path, createStuckRule());
    b = openSqliteStore(path, createStuckRule());
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('claim bulk items by turns: never more leased than the cap together, no item twice', async () => {
    await a.createJob({ id: 'job_1', created_by: 'ops', created_at: NOW, reason: null }, Array.from({ length: 20 }, (_, i) => `upload_${i}`));
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).claimJobItems({ owner: i % 2 ? 'a' : 'b', now: NOW * 1000, leaseMs: 30_000, limit: 4, cap: 5 })));
    const seqs = claims.flat().map((item) => item.seq);
    expect(seqs).toHaveLength(5);
    expect(new Set(seqs).size).toBe(5);
  });

  it('sweep by turns: each lapsed upload expired once', async () => {
    for (let i = 0; i < 10; i++) {
      await a.recordUpload({ id: `upload_${i}`, object: 'upload', bytes: 1, created_at: NOW - 5000, expires_at: NOW - 1400, filename: 'a.jsonl', purpose: 'batch', status: 'pending', file: null }, { at: NOW - 5000, via: 'create' });
    }
    const swept = await Promise.all([a.expireLapsed(NOW, 4), b.expireLapsed(NOW, 4), a.expireLapsed(NOW, 100), b.expireLapsed(NOW, 100)]);
    expect(swept.flat().map((r) => r.upload.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `upload_${i}`).sort());
    expect((await b.timeline('upload_3')).map((e) => e.kind)).toEqual(['created', 'expired']);
  });
});

describe('the list queries the store builds', () => {
  let store: SqliteUploadStore;
  beforeEach(() => {
    store = openSqliteStore(':memory:', createStuckRule());
  });
  afterEach(() => store.close());

  const cursorFor = (sort: string, order: string) => Buffer.from(JSON.stringify([sort, order, NOW, 'upload_a'])).toString('base64url');

  it('a status-filtered, newest-first page reads the status index in order', () => {
    const plan = store.explainList({ status: 'cancelled', limit: 10 }, NOW).join(' ');
    expect(plan).toContain('uploads_by_status_created');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('a newest-first filename search reads the search index in its order, each match by rowid, sorting nothing', () => {
    // Ties within a second are sorted in JS (firstMatches); the statement itself must stop early.
    for (const cursor of [undefined, cursorFor('created_at', 'desc')]) {
      const plan = store.explainList({ q: 'amber', limit: 50, cursor }, NOW).join(' | ');
      expect(plan, plan).toMatch(/SCAN s VIRTUAL TABLE/);
      expect(plan, plan).toContain('SEARCH uploads USING INTEGER PRIMARY KEY (rowid=?)');
      expect(plan, plan).not.toContain('TEMP B-TREE');
    }
  });

  it("one client's newest-first pages read the client index in order", () => {
    for (const cursor of [undefined, cursorFor('created_at', 'desc')]) {
      const plan = store.explainList({ client: 'team-a', limit: 50, cursor }, NOW).join(' ');
      expect(plan).toContain('uploads_by_client_created');
      expect(plan).not.toContain('TEMP B-TREE');
    }
  });

  for (const sort of SORT_FIELDS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`${sort} ${order}: the Stuck view walks an index in the list's order, sorting nothing`, () => {
        // Not a range on (status, expires_at) and a sort of every live pending upload: the page after the first rows.
        for (const cursor of [undefined, cursorFor(sort, order)]) {
          const plan = store.explainList({ sort, order, stuck: true, limit: 50, cursor }, NOW).join(' ');
          expect(plan, plan).not.toContain('TEMP B-TREE');
          expect(plan, plan).toMatch(new RegExp(`USING INDEX uploads_by_status_${SORT_INDEX_COLUMN[sort]}\\b`));
        }
      });

      it(`${sort} ${order}: every page, with or without a status, is an index range in order`, () => {
        // Not 'expired': it is two ranges (swept, and pending past expiry), merged and then sorted.
        for (const status of [undefined, 'pending', 'completed'] as const) {
          const plan = store.explainList({ sort, order, status, limit: 50, cursor: cursorFor(sort, order) }, NOW).join(' ');
          expect(plan, `${status ?? 'any status'}: ${plan}`).not.toContain('TEMP B-TREE');
          expect(plan, `${status ?? 'any status'}: ${plan}`).toMatch(/USING (COVERING )?INDEX uploads_by_/);
        }
      });
    }
  }
});

describe('the activity chart statement', () => {
  it('reads the bucket table by its primary key and the pending uploads of the window by the status index, scanning neither table', () => {
    const store = openSqliteStore(':memory:', createStuckRule());
    try {
      const plan = store.explainActivity({ from: NOW - 86_400, to: NOW, bucketSeconds: 3600 }, NOW);
      const text = plan.join(' | ');
      expect(text).toMatch(/SEARCH upload_activity USING PRIMARY KEY \(size=\? AND bucket>\? AND bucket<\?\)/);
      expect(text).toMatch(/SEARCH uploads USING (COVERING )?INDEX uploads_by_status_created \(status=\? AND created_at>\? AND created_at<\?\)/);
      expect(text).not.toMatch(/SCAN (upload_activity|uploads)\b/);
    } finally {
      void store.close();
    }
  });
});

describe('the clients list statements', () => {
  it('read the trigger-kept totals and only the pending uploads by the status index, scanning no uploads', () => {
    const store = openSqliteStore(':memory:', createStuckRule());
    try {
      const text = store.explainClients(NOW).join(' | ');
      expect(text).toMatch(/SCAN client_counts/);
      expect(text).toMatch(/SEARCH uploads USING (COVERING )?INDEX uploads_by_status_\w+ \(status=\?/);
      expect(text).not.toMatch(/SCAN uploads\b/);
    } finally {
      void store.close();
    }
  });
});
