import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { UploadRecord } from '#contract/dashboard-api.ts';
import type { FileObject } from '#contract/uploads.ts';
import { Card } from '#src/components/ui/card.tsx';
import { CopyButton } from '#src/components/ui/copy-button.tsx';
import { DescriptionItem, DescriptionList, NoValue } from '#src/components/ui/description-list.tsx';
import { ArrowLeftIcon } from '#src/components/ui/icons.tsx';
import { RelativeTime } from '#src/components/ui/relative-time.tsx';
import { StatusBadge } from '#src/components/ui/status-badge.tsx';
import { paths } from '#src/config/paths.ts';
import { formatBytes, formatExactBytes } from '#src/lib/format-bytes.ts';
import { formatExact } from '#src/lib/format-time.ts';
import { useCancelUpload } from '#src/features/uploads/api/cancel-upload.ts';
import { useCancellingIds, withPendingCancel } from '#src/features/uploads/stores/pending-cancels.ts';
import { cancelToasts } from '#src/features/uploads/utils/cancel-toasts.ts';
import { NO_CLIENT_TEXT, sdkLabel } from '#src/features/uploads/utils/client-wording.ts';
import { listHrefFor } from '#src/features/uploads/utils/list-search-params.ts';
import { CancelUploadButton } from './cancel-upload-button.tsx';
import { CopyIdButton } from './copy-id-button.tsx';
import { SeenViaTag } from './seen-via-tag.tsx';
import { UploadExpiry } from './upload-expiry.tsx';
import { UploadProgress, receivedPercent } from './upload-progress.tsx';
import { UploadTimeline } from './upload-timeline.tsx';

const SEEN_VIA: Record<UploadRecord['seen_via'], string> = {
  create: 'create — the proxy saw it created',
  part: 'part — first seen when a part was added',
  complete: 'complete — first seen when it was completed',
  cancel: 'cancel — first seen when it was cancelled by id',
};

function Mono({ children }: { children: ReactNode }) {
  return <code className="font-mono text-xs break-all text-slate-800">{children}</code>;
}

function Timestamp({ at, tense = 'past' }: { at: number; tense?: 'past' | 'any' }) {
  return (
    <span className="tabular-nums">
      {formatExact(at)} <span className="text-slate-500">· <RelativeTime at={at} tense={tense} /></span>
    </span>
  );
}

function Bytes({ bytes }: { bytes: number }) {
  return (
    <span className="tabular-nums">
      {formatBytes(bytes)} <span className="text-slate-500">· {formatExactBytes(bytes)}</span>
    </span>
  );
}

function FileCard({ file }: { file: FileObject }) {
  return (
    <Card title="File" className="lg:col-span-2">
      <DescriptionList>
        <DescriptionItem label="ID">
          <span className="inline-flex items-center gap-1">
            <Mono>{file.id}</Mono>
            <CopyIdButton id={file.id} />
          </span>
        </DescriptionItem>
        <DescriptionItem label="Filename">{file.filename}</DescriptionItem>
        <DescriptionItem label="Purpose">
          <Mono>{file.purpose}</Mono>
        </DescriptionItem>
        <DescriptionItem label="Size">{file.bytes === null ? <NoValue text="unknown" /> : <Bytes bytes={file.bytes} />}</DescriptionItem>
        <DescriptionItem label="Created">
          <Timestamp at={file.created_at} />
        </DescriptionItem>
        <DescriptionItem label="Expires">{file.expires_at == null ? <NoValue text="never" /> : <Timestamp at={file.expires_at} tense="any" />}</DescriptionItem>
        <DescriptionItem label="Status">{file.status ?? <NoValue />}</DescriptionItem>
        <DescriptionItem label="Status details">{file.status_details ?? <NoValue />}</DescriptionItem>
      </DescriptionList>
    </Card>
  );
}

/** One upload, as cached: a cancel in progress shows over it, and Cancel sends at once. */
export function UploadDetail({ record: cached }: { record: UploadRecord }) {
  const cancellingIds = useCancellingIds();
  const record = withPendingCancel(cached, cancellingIds);
  const { upload } = record;
  const cancel = useCancelUpload({ mutationConfig: cancelToasts(upload.filename) });
  const json = JSON.stringify(upload, null, 2);
  return (
    <div className="space-y-5">
      <Link
        to={paths.uploads.getHref()}
        className="inline-flex items-center gap-1.5 text-[13px] font-medium text-slate-600 hover:text-slate-900 focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
      >
        <ArrowLeftIcon className="size-3.5" />
        Back to uploads
      </Link>

      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2.5">
            <h1 className="text-xl font-semibold tracking-tight break-all text-slate-900">{upload.filename}</h1>
            <StatusBadge status={record.status} />
            <SeenViaTag seenVia={record.seen_via} />
          </div>
          <div className="mt-1 flex items-center gap-1 text-slate-500">
            <Mono>{upload.id}</Mono>
            <CopyIdButton id={upload.id} />
          </div>
        </div>
        <CancelUploadButton record={record} cancelling={cancellingIds.has(upload.id)} onCancel={() => cancel.mutate({ id: upload.id })} size="md" />
      </header>

      <div className="grid grid-cols-1 items-start gap-4 lg:grid-cols-2">
        <Card title="Upload">
          <DescriptionList>
            <DescriptionItem label="Status">
              <StatusBadge status={upload.status} />
            </DescriptionItem>
            <DescriptionItem label="Filename">{upload.filename}</DescriptionItem>
            <DescriptionItem label="Purpose">
              <Mono>{upload.purpose}</Mono>
            </DescriptionItem>
            <DescriptionItem label="Size">
              <Bytes bytes={upload.bytes} />
            </DescriptionItem>
            <DescriptionItem label="Created">
              <Timestamp at={upload.created_at} />
            </DescriptionItem>
            <DescriptionItem label="Expires">
              <span className="tabular-nums">
                {formatExact(upload.expires_at)}
                {(record.status === 'pending' || record.status === 'expired') && (
                  <span className="text-slate-500">
                    {' '}
                    · <UploadExpiry record={record} />
                  </span>
                )}
              </span>
            </DescriptionItem>
            <DescriptionItem label="Object">
              <Mono>{upload.object}</Mono>
            </DescriptionItem>
          </DescriptionList>
        </Card>

        <Card title="Seen by the proxy">
          <div className="px-4 pt-3 pb-1">
            <UploadProgress record={record} />
          </div>
          <DescriptionList>
            <DescriptionItem label="Effective status">
              <span className="inline-flex flex-wrap items-center gap-2">
                <StatusBadge status={record.status} />
                {record.status !== upload.status && (
                  <span className="text-xs text-slate-500">
                    OpenAI last said {upload.status}; past {formatExact(upload.expires_at)} it counts as {record.status}
                  </span>
                )}
              </span>
            </DescriptionItem>
            <DescriptionItem label="Bytes received">
              <span className="tabular-nums">
                {formatExactBytes(record.bytes_received)} <span className="text-slate-500">· {Math.floor(receivedPercent(record))}%</span>
              </span>
            </DescriptionItem>
            <DescriptionItem label="Parts">
              <span className="tabular-nums">{record.parts_count}</span>
            </DescriptionItem>
            <DescriptionItem label="Last activity">
              <Timestamp at={record.last_activity_at} />
            </DescriptionItem>
            <DescriptionItem label="First seen">
              <Timestamp at={record.first_seen_at} />
            </DescriptionItem>
            <DescriptionItem label="Seen via">{SEEN_VIA[record.seen_via]}</DescriptionItem>
            <DescriptionItem label="Client">
              {record.client ? (
                <Link
                  to={listHrefFor({ client: record.client.name })}
                  className="font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:rounded-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-600"
                >
                  {record.client.name}
                  <span className="sr-only">: list its uploads</span>
                </Link>
              ) : (
                <NoValue text={NO_CLIENT_TEXT} />
              )}
            </DescriptionItem>
            <DescriptionItem label="Software">{record.client ? sdkLabel(record.client) : <NoValue />}</DescriptionItem>
            <DescriptionItem label="Cancelled by">{record.cancelled_by ?? <NoValue />}</DescriptionItem>
            <DescriptionItem label="Cancelled at">{record.cancelled_at === null ? <NoValue /> : <Timestamp at={record.cancelled_at} />}</DescriptionItem>
          </DescriptionList>
        </Card>

        <UploadTimeline record={record} className="lg:col-span-2" />

        {upload.file && <FileCard file={upload.file} />}

        <Card
          title="Raw JSON"
          className="lg:col-span-2"
          actions={<CopyButton value={json} label="Copy JSON" copiedMessage={`Copied the JSON of ${upload.id}`} showLabel />}
        >
          <pre className="max-h-[28rem] overflow-auto rounded-b-lg bg-slate-50/60 px-4 py-3 font-mono text-xs leading-relaxed text-slate-800 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600" tabIndex={0} role="region" aria-label="Upload object as JSON">
            {json}
          </pre>
        </Card>
      </div>
    </div>
  );
}
