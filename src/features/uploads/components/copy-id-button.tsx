import { CopyButton } from '#src/components/ui/copy-button.tsx';

export function CopyIdButton({ id, className }: { id: string; className?: string }) {
  return <CopyButton value={id} label={`Copy ${id}`} copiedMessage={`Copied ${id}`} className={className} />;
}
