import { Banner } from '#src/components/ui/banner.tsx';
import { Button } from '#src/components/ui/button.tsx';
import { isServerUnavailable } from '#src/lib/api-client.ts';

interface ServerErrorBannerProps {
  /** The query's error, or the reason its latest attempt failed while it retries. */
  error: unknown;
  hasData: boolean;
  what: string;
  onRetry: () => void;
}

/**
 * While the server is down the query keeps retrying on its own (retry + refetchInterval), so
 * the banner says so and goes away by itself on recovery; the last data stays on screen.
 */
export function ServerErrorBanner({ error, hasData, what, onRetry }: ServerErrorBannerProps) {
  if (!error) return null;
  if (isServerUnavailable(error)) {
    return (
      <Banner tone="offline" title="Can't reach the Uploads Console server — retrying…">
        {hasData ? `Showing ${what} as last received. ` : ''}
        {error instanceof Error ? error.message : null}
      </Banner>
    );
  }
  return (
    <Banner
      tone="error"
      title={`Couldn't load ${what}`}
      action={
        <Button size="sm" onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {error instanceof Error ? error.message : String(error)}
    </Banner>
  );
}
