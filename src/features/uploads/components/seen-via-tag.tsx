import type { UploadRecord } from '#contract/dashboard-api.ts';

/** Flags uploads the proxy never saw created: it only learned of them through a cancel by id. */
export function SeenViaTag({ seenVia }: { seenVia: UploadRecord['seen_via'] }) {
  if (seenVia !== 'cancel') return null;
  return (
    <span className="inline-flex items-center rounded bg-violet-50 px-1.5 py-px text-[11px] font-medium text-violet-700 ring-1 ring-violet-200 ring-inset">
      seen via cancel
    </span>
  );
}
