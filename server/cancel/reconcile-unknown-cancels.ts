// A cancel that timed out after leaving may or may not have landed. Asking again settles it:
// "cancelled" or "already cancelled" means it did; any other definite answer clears the doubt
// (the cancel service records either in the same write as its audit entry).
import type { UploadStore } from '#server/store/upload-store.ts';
import { INTERACTIVE_RETRY, isDefinitive, type CancelService } from './cancel-service.ts';

/** One round: asks again about up to `limit` doubtful cancels; returns how many it settled. */
export async function reconcileUnknownCancels(deps: { store: UploadStore; cancels: CancelService }, limit = 50): Promise<number> {
  const ids = await deps.store.cancelsWithUnknownOutcome(limit);
  let settled = 0;
  for (const id of ids) {
    const result = await deps.cancels.cancel({ id, actor: 'console', via: 'reconcile', mayHaveLanded: true, retry: INTERACTIVE_RETRY });
    // Anything else (an outage, a timeout) leaves it for the next round.
    if (result.outcome === 'cancelled' || result.outcome === 'already_finished' || (result.error && isDefinitive(result.error))) settled++;
  }
  return settled;
}
