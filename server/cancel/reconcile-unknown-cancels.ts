// A cancel that timed out after leaving may or may not have landed. Asking again settles it:
// "cancelled" or "already cancelled" means it did; any other definite answer clears the doubt.
import { unixSeconds } from '#server/lib/clock.ts';
import { cancelUpload, INTERACTIVE_RETRY, isDefinitive, type CancelDeps } from './cancel-service.ts';

export async function reconcileUnknownCancels(deps: CancelDeps, limit = 50): Promise<number> {
  const ids = await deps.store.cancelsWithUnknownOutcome(limit);
  let settled = 0;
  for (const id of ids) {
    const result = await cancelUpload(deps, { id, actor: 'console', source: 'reconcile', mayHaveLanded: true, retry: INTERACTIVE_RETRY });
    // "cancelled" and "already finished" were recorded (which clears the doubt); a definitive refusal
    // (e.g. 404) settles it too. Anything else (an outage, a timeout) leaves it for the next round.
    if (result.outcome === 'cancelled' || result.outcome === 'already_finished') {
      settled++;
    } else if (result.error && isDefinitive(result.error)) {
      const record = await deps.store.clearCancelUnknown(id, unixSeconds(deps.clock));
      if (record) deps.feed.emit('upload', record);
      settled++;
    }
  }
  return settled;
}
