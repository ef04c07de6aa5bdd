// Parts of a screen that nobody sees before doing something (a dialog, the selection bar, a help
// panel) come in chunks of their own, so the first screen's JS does not carry them. Their code is
// fetched as soon as such a part is mounted (effects run after the first paint), when the page
// asks for it once its first screen is painted (whenIdle), or earlier on intent (a pointer
// over, or focus on, what opens it). By the time of the click it is there, and the part renders
// in the same frame as it would have without the split; until then its fallback shows.
//
// Not React.lazy: a lazy component suspends on its first render even when its code has already
// arrived (the promise is only read after a tick), which would show the fallback for a frame.
import { useEffect, useSyncExternalStore, type ComponentType, type ReactNode } from 'react';

export type DeferredProps<P> = P & {
  /** Shown until the code has arrived (nothing by default). */
  fallback?: ReactNode;
};

export interface DeferredComponent<P> {
  (props: DeferredProps<P>): ReactNode;
  /** Starts fetching the code: once, and again after a failed attempt. Settles when it is there, or could not be fetched. */
  preload: () => Promise<void>;
}

export function deferred<P extends object>(load: () => Promise<ComponentType<P>>): DeferredComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<void> | undefined;
  const listeners = new Set<() => void>();
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  const getLoaded = () => loaded;

  const preload = () =>
    (loading ??= load().then(
      (component) => {
        loaded = component;
        for (const listener of listeners) listener();
      },
      () => {
        // The chunk could not be fetched (the network): the fallback stays, the next preload tries again.
        loading = undefined;
      },
    ));

  function Deferred({ fallback = null, ...props }: DeferredProps<P>) {
    const Component = useSyncExternalStore(subscribe, getLoaded);
    useEffect(() => {
      if (!Component) void preload();
    }, [Component]);
    return Component ? <Component {...(props as P)} /> : fallback;
  }
  return Object.assign(Deferred, { preload });
}

/**
 * Runs `run` when the browser is next idle (soon after the current frame has painted); returns
 * the function that calls it off.
 */
export function whenIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: 1_000 });
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(run, 50);
  return () => clearTimeout(timer);
}
