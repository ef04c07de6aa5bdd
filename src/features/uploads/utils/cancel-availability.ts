import type { UploadStatus } from '#contract/uploads.ts';

/** Why Cancel does nothing for an upload in this state; null when it can be cancelled. */
export function cancelUnavailableReason(status: UploadStatus): string | null {
  switch (status) {
    case 'pending':
      return null;
    case 'completed':
      return 'Already completed — nothing to cancel';
    case 'cancelled':
      return 'Already cancelled';
    case 'expired':
      return 'Expired — OpenAI discarded it';
  }
}
