import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { Component, useState, useTransition, type ComponentType, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';

/** What a route's error page is given. */
export interface RouteErrorProps {
  error: unknown;
  /** Renders the route again, asking afresh for what failed; the error page stays up meanwhile. */
  retry: () => void;
  retrying: boolean;
}

interface CatchProps {
  resetKey: string;
  render: (error: unknown) => ReactNode;
  children: ReactNode;
}

interface CatchState {
  caught: { error: unknown } | null;
  resetKey: string;
}

/** React's error boundary (a class is still the only way to write one); a new `resetKey` lets go of the error. */
class Catch extends Component<CatchProps, CatchState> {
  override state: CatchState = { caught: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<CatchState> {
    return { caught: { error } };
  }

  static getDerivedStateFromProps(props: CatchProps, state: CatchState): Partial<CatchState> | null {
    return props.resetKey === state.resetKey ? null : { caught: null, resetKey: props.resetKey };
  }

  override render() {
    return this.state.caught ? this.props.render(this.state.caught.error) : this.props.children;
  }
}

interface RouteErrorBoundaryProps {
  fallback: ComponentType<RouteErrorProps>;
  children: ReactNode;
}

/**
 * A route's error page, for a page that failed to render: its data could not be had (a suspense
 * query that failed, after its retries) or its code could not be fetched. Another page (pathname)
 * lets go of the error. Try again resets the failed queries and renders the page again inside a
 * transition, so the error page stays, saying it is trying, until the page can show or fails anew.
 */
export function RouteErrorBoundary({ fallback: Fallback, children }: RouteErrorBoundaryProps) {
  const { pathname } = useLocation();
  const { reset } = useQueryErrorResetBoundary();
  const [attempt, setAttempt] = useState(0);
  const [retrying, startTransition] = useTransition();
  const retry = () =>
    startTransition(() => {
      reset();
      setAttempt((n) => n + 1);
    });
  return (
    <Catch resetKey={`${pathname}#${attempt}`} render={(error) => <Fallback error={error} retry={retry} retrying={retrying} />}>
      {children}
    </Catch>
  );
}
