// Reads and rewrites one upload record wherever the cache holds it: every loaded page of every
// filtered list, and its detail. Used by the cancel mutation and by live events.
import { type InfiniteData, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { UploadList, UploadRecord } from '#contract/dashboard-api.ts';
import type { UploadStatus } from '#contract/uploads.ts';
import { uploadKeys } from './upload-keys.ts';

export type UploadListData = InfiniteData<UploadList, string | null>;

/** Returns the same record when nothing should change, so untouched cache entries keep their identity. */
export type RecordUpdate = (record: UploadRecord) => UploadRecord;

/**
 * Every local write to the cache goes through here. It keeps the entry's dataUpdatedAt ("last
 * updated" tells when the server last answered, and a local edit is not an answer), or takes
 * the age of `ageOf`, the entry the data was copied from.
 */
export function writeKeepingAge<T>(client: QueryClient, queryKey: QueryKey, data: T, ageOf: QueryKey = queryKey): void {
  client.setQueryData(queryKey, data, { updatedAt: client.getQueryState(ageOf)?.dataUpdatedAt });
}

function updateList(data: UploadListData, id: string, update: RecordUpdate): UploadListData {
  let changed = false;
  const pages = data.pages.map((page) => {
    let pageChanged = false;
    const records = page.data.map((record) => {
      if (record.upload.id !== id) return record;
      const next = update(record);
      if (next !== record) pageChanged = true;
      return next;
    });
    if (!pageChanged) return page;
    changed = true;
    return { ...page, data: records };
  });
  return changed ? { ...data, pages } : data;
}

/** Rewrites the upload wherever it is cached. Answers whether any loaded list page holds it. */
export function updateCachedUpload(client: QueryClient, id: string, update: RecordUpdate): boolean {
  let listed = false;
  const updateListed: RecordUpdate = (record) => {
    listed = true;
    return update(record);
  };
  for (const [queryKey, data] of client.getQueriesData<UploadListData>({ queryKey: uploadKeys.lists() })) {
    if (!data) continue;
    const next = updateList(data, id, updateListed);
    if (next !== data) writeKeepingAge(client, queryKey, next);
  }
  const detailKey = uploadKeys.detail(id);
  const detail = client.getQueryData<UploadRecord>(detailKey);
  if (detail) {
    const next = update(detail);
    if (next !== detail) writeKeepingAge(client, detailKey, next);
  }
  return listed;
}

export function withStatus(record: UploadRecord, status: UploadStatus): UploadRecord {
  // Only a pending upload can be stuck.
  return { ...record, status, upload: { ...record.upload, status }, stuck: status === 'pending' ? record.stuck : null };
}

/**
 * Puts a record that a list already holds into the detail entry, so opening an upload from the
 * list shows at once. The copy keeps the list's age, so it is refreshed as soon as it is used.
 */
export function seedUploadDetail(client: QueryClient, id: string): void {
  const detailKey = uploadKeys.detail(id);
  if (client.getQueryData(detailKey)) return;
  for (const [queryKey, data] of client.getQueriesData<UploadListData>({ queryKey: uploadKeys.lists() })) {
    const record = data?.pages.flatMap((page) => page.data).find((candidate) => candidate.upload.id === id);
    if (record) {
      writeKeepingAge(client, detailKey, record, queryKey);
      return;
    }
  }
}
