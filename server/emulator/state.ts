// The emulator's persistent state: uploads and parts in SQLite, part bytes in files under
// partsDir (parts reach 64 MB and uploads 8 GB, so bytes never sit whole in memory).
// better-sqlite3 is synchronous: a run of calls with no `await` between them is atomic with
// respect to every other request this process serves, which is what the upload rules rely on.
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { FileObject, Upload, UploadPart, UploadStatus } from '#contract/uploads.ts';

export interface EmulatorStateOptions {
  /** A file path, or ':memory:' for a state that lives as long as the process. */
  databasePath: string;
  /** Folder for part bytes; created when missing. */
  partsDir: string;
}

export interface NewUpload {
  id: string;
  bytes: number;
  createdAt: number;
  expiresAt: number;
  filename: string;
  purpose: string;
  mimeType: string;
  /** `expires_after.seconds` from the create call: sets the completed file's `expires_at`. */
  fileExpiresAfterSeconds: number | null;
}

/** An Upload as the API shows it, plus what we keep about it and never show. */
export interface UploadRecord {
  upload: Upload;
  mimeType: string;
  fileExpiresAfterSeconds: number | null;
}

export interface PartRecord {
  id: string;
  uploadId: string;
  size: number;
  createdAt: number;
}

interface UploadRow {
  id: string;
  bytes: number;
  created_at: number;
  expires_at: number;
  filename: string;
  purpose: string;
  mime_type: string;
  status: UploadStatus;
  file_expires_after_seconds: number | null;
  file: string | null;
}

interface PartRow {
  id: string;
  upload_id: string;
  size: number;
  created_at: number;
  path: string | null;
}

/** Each entry moves the schema one version up; `PRAGMA user_version` records how far we got. */
const MIGRATIONS = [
  `CREATE TABLE uploads (
     id TEXT PRIMARY KEY,
     bytes INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     filename TEXT NOT NULL,
     purpose TEXT NOT NULL,
     mime_type TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled', 'expired')),
     file_expires_after_seconds INTEGER,
     file TEXT -- the File object (JSON) once completed
   ) STRICT;
   CREATE TABLE parts (
     id TEXT PRIMARY KEY,
     upload_id TEXT NOT NULL REFERENCES uploads (id),
     size INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     path TEXT -- file name under partsDir; NULL once the bytes are discarded
   ) STRICT;
   CREATE INDEX parts_by_upload ON parts (upload_id);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function openEmulatorState(options: EmulatorStateOptions): EmulatorState {
  const inMemory = options.databasePath === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(options.databasePath)), { recursive: true });
  mkdirSync(options.partsDir, { recursive: true });

  const db = new Database(options.databasePath);
  if (!inMemory) {
    // WAL lets a reader (an operator poking at the file) run beside the emulator's writes.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  migrate(db);
  return new EmulatorState(db, resolve(options.partsDir));
}

function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`The emulator database has schema version ${version}; this code knows up to ${SCHEMA_VERSION}.`);
  }
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

export class EmulatorState {
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    readonly partsDir: string,
  ) {
    this.statements = {
      insertUpload: db.prepare<[UploadRow]>(
        `INSERT INTO uploads (id, bytes, created_at, expires_at, filename, purpose, mime_type, status, file_expires_after_seconds, file)
         VALUES (@id, @bytes, @created_at, @expires_at, @filename, @purpose, @mime_type, @status, @file_expires_after_seconds, @file)`,
      ),
      findUpload: db.prepare<[string], UploadRow>('SELECT * FROM uploads WHERE id = ?'),
      setStatus: db.prepare<[{ id: string; status: UploadStatus; file: string | null }]>(
        'UPDATE uploads SET status = @status, file = @file WHERE id = @id',
      ),
      insertPart: db.prepare<[PartRow]>(
        'INSERT INTO parts (id, upload_id, size, created_at, path) VALUES (@id, @upload_id, @size, @created_at, @path)',
      ),
      findPart: db.prepare<[string], PartRow>('SELECT * FROM parts WHERE id = ?'),
      storedPartsOf: db.prepare<[string], PartRow>('SELECT * FROM parts WHERE upload_id = ? AND path IS NOT NULL'),
      forgetPartFiles: db.prepare<[string]>('UPDATE parts SET path = NULL WHERE upload_id = ?'),
      partBytesOf: db.prepare<[string], { total: number }>('SELECT COALESCE(SUM(size), 0) AS total FROM parts WHERE upload_id = ?'),
    };
  }

  insertUpload(upload: NewUpload): Upload {
    const row: UploadRow = {
      id: upload.id,
      bytes: upload.bytes,
      created_at: upload.createdAt,
      expires_at: upload.expiresAt,
      filename: upload.filename,
      purpose: upload.purpose,
      mime_type: upload.mimeType,
      status: 'pending',
      file_expires_after_seconds: upload.fileExpiresAfterSeconds,
      file: null,
    };
    this.statements.insertUpload.run(row);
    return toUpload(row);
  }

  /**
   * Reads an upload. Nothing upstream reports expiry, so it happens here, lazily: a pending
   * upload whose `expires_at` has come becomes `expired` (persisted) as it is read.
   */
  findUpload(id: string, nowSeconds: number): UploadRecord | undefined {
    const row = this.statements.findUpload.get(id);
    if (!row) return undefined;
    if (row.status === 'pending' && row.expires_at <= nowSeconds) {
      this.finish(row.id, 'expired', null);
      row.status = 'expired';
    }
    return { upload: toUpload(row), mimeType: row.mime_type, fileExpiresAfterSeconds: row.file_expires_after_seconds };
  }

  /** Where a new part's bytes go; the caller writes them, then calls `insertPart`. */
  partFilePath(partId: string): string {
    return join(this.partsDir, partFileName(partId));
  }

  /** For bytes written by a part that was then refused. */
  removePartFile(partId: string): void {
    rmSync(this.partFilePath(partId), { force: true });
  }

  insertPart(part: PartRecord): UploadPart {
    this.statements.insertPart.run({
      id: part.id,
      upload_id: part.uploadId,
      size: part.size,
      created_at: part.createdAt,
      path: partFileName(part.id),
    });
    return { id: part.id, object: 'upload.part', created_at: part.createdAt, upload_id: part.uploadId };
  }

  findPart(partId: string): PartRecord | undefined {
    const row = this.statements.findPart.get(partId);
    return row && { id: row.id, uploadId: row.upload_id, size: row.size, createdAt: row.created_at };
  }

  /** Sum of the sizes of every part added to the upload so far. */
  partBytesOf(uploadId: string): number {
    return this.statements.partBytesOf.get(uploadId)?.total ?? 0;
  }

  /** md5 (lowercase hex) of the parts' bytes concatenated in this order, read file by file. */
  async contentMd5(partIds: readonly string[]): Promise<string> {
    const hash = createHash('md5');
    for (const partId of partIds) {
      const row = this.statements.findPart.get(partId);
      if (!row?.path) throw new Error(`Part ${partId} has no stored bytes.`);
      for await (const chunk of createReadStream(join(this.partsDir, row.path))) hash.update(chunk as Buffer);
    }
    return hash.digest('hex');
  }

  completeUpload(uploadId: string, file: FileObject): Upload {
    return this.finish(uploadId, 'completed', file);
  }

  cancelUpload(uploadId: string): Upload {
    return this.finish(uploadId, 'cancelled', null);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Moves an upload to a final status. Its part bytes are discarded: no API reads them back
   * (there is no file-content endpoint here), and a 1 GB benchmark should not fill the disk.
   */
  private finish(uploadId: string, status: Exclude<UploadStatus, 'pending'>, file: FileObject | null): Upload {
    const stored = this.statements.storedPartsOf.all(uploadId);
    this.db.transaction(() => {
      this.statements.setStatus.run({ id: uploadId, status, file: file && JSON.stringify(file) });
      this.statements.forgetPartFiles.run(uploadId);
    })();
    for (const part of stored) if (part.path) rmSync(join(this.partsDir, part.path), { force: true });
    const row = this.statements.findUpload.get(uploadId);
    if (!row) throw new Error(`Upload ${uploadId} vanished while finishing.`);
    return toUpload(row);
  }
}

const partFileName = (partId: string) => `${partId}.bin`;

/** The wire shape, keys in the order OpenAI prints them. */
function toUpload(row: UploadRow): Upload {
  return {
    id: row.id,
    object: 'upload',
    bytes: row.bytes,
    created_at: row.created_at,
    expires_at: row.expires_at,
    filename: row.filename,
    purpose: row.purpose,
    status: row.status,
    file: row.file === null ? null : (JSON.parse(row.file) as FileObject),
  };
}
