// Loaded lazily (see router.tsx): the first screen's code does not carry the policies page.
import { PoliciesPage } from '#src/features/policies/components/policies-page.tsx';

export function PoliciesRoute() {
  return <PoliciesPage />;
}
