import { NotFoundCard } from '#src/components/ui/not-found-card.tsx';

export function UploadNotFound({ id }: { id: string | undefined }) {
  return (
    <NotFoundCard title="Upload not found" backLabel="Back to uploads">
      {id ? (
        <>
          No upload with ID <code className="font-mono text-xs break-all text-slate-700">{id}</code> has gone through this proxy.
        </>
      ) : (
        'That upload has not gone through this proxy.'
      )}
    </NotFoundCard>
  );
}
