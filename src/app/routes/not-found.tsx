import { NotFoundCard } from '#src/components/ui/not-found-card.tsx';

export function NotFoundRoute() {
  return (
    <NotFoundCard title="Page not found" backLabel="Go to uploads">
      There is nothing at this address.
    </NotFoundCard>
  );
}
