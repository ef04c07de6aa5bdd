// A cancel that timed out after leaving may or may not have landed. Asking again settles it:
// "cancelled" or "already cancelled" means it did; any other definite answer clears the doubt
// (the cancel service records either in the same write as its audit entry). Every replica runs
// rounds; each upload is claimed under a lease first, so two replicas never ask about the same
// upload at once (and never write two audit entries for one doubt in the same moment).
import type { UploadStore, UnknownCancelClaim } from '#server/store/upload-store.ts';
import { DEFAULT_LEASE_MS } from './bulk-cancel-runner.ts';
import { INTERACTIVE_RETRY, isDefinitive, type CancelService } from './cancel-service.ts';

export interface ReconcileLease {
  /** This replica's name on its leases (the bulk runner's; default 'local'). */
  owner: string;
  /** How long a claim lasts unless renewed (default 30 s); it is renewed while the upload is being asked about. */
  leaseMs?: number;
  /** Wall-clock milliseconds (default Date.now). */
  now?: () => number;
}

/** One round: asks again about up to `limit` doubtful cancels no other replica holds; returns how many it settled. */
export async function reconcileUnknownCancels(deps: { store: UploadStore; cancels: CancelService; lease?: ReconcileLease }, limit = 50): Promise<number> {
  const { store, cancels } = deps;
  const owner = deps.lease?.owner ?? 'local';
  const leaseMs = deps.lease?.leaseMs ?? DEFAULT_LEASE_MS;
  const now = deps.lease?.now ?? Date.now;
  let settled = 0;
  let after: UnknownCancelClaim | null = null;
  // One at a time: a claim is held only while its upload is being asked about, so a slow round
  // never sits on uploads another replica could settle meanwhile.
  for (let n = 0; n < limit; n++) {
    const claim: UnknownCancelClaim | null = await store.claimUnknownCancel({ owner, now: now(), leaseMs, after });
    if (!claim) break;
    after = claim;
    const renew = setInterval(() => void store.renewUnknownCancel({ owner, now: now(), leaseMs }, claim.id).catch(() => {}), Math.max(1, Math.floor(leaseMs / 3)));
    renew.unref();
    try {
      const result = await cancels.cancel({ id: claim.id, actor: 'console', via: 'reconcile', mayHaveLanded: true, retry: INTERACTIVE_RETRY });
      // Anything else (an outage, a timeout) leaves it for the next round.
      if (result.outcome === 'cancelled' || result.outcome === 'already_finished' || (result.error && isDefinitive(result.error))) settled++;
    } finally {
      clearInterval(renew);
      // Done with it: a doubt still open is anyone's in the next round.
      await store.releaseUnknownCancel(owner, claim.id).catch(() => {});
    }
  }
  return settled;
}
