import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/**
 * Mounted once for the signed-in part of the app. The code that follows the stream
 * (live-updates.ts) is fetched once the first screen has rendered, not with it: until it has
 * connected, the lists poll, as they do whenever the stream is down. Should its chunk fail to
 * arrive, they go on polling for the rest of the page's life.
 */
export function useLiveUpdates(): void {
  const client = useQueryClient();
  useEffect(() => {
    let unsubscribe: (() => void) | undefined;
    let gone = false;
    import('./live-updates.ts').then(
      ({ subscribeToLiveUpdates }) => {
        if (!gone) unsubscribe = subscribeToLiveUpdates(client);
      },
      () => undefined,
    );
    return () => {
      gone = true;
      unsubscribe?.();
    };
  }, [client]);
}
