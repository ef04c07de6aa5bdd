// What the signed-in operator may do, from the session: app-wide, so it lives outside any feature.
import { createContext, useContext, type ReactNode } from 'react';

export interface OperatorAccess {
  /** A read-only operator sees everything and can cancel nothing (the server refuses too). */
  readOnly: boolean;
  /** Minutes without a part after which a pending upload counts as stuck. */
  stuckAfterMinutes: number;
  /** How many days of finished uploads the console keeps (RETENTION_DAYS); null: all of them. */
  historyDays?: number | null;
}

export const READ_ONLY_REASON = 'Your access is read-only';

const OperatorAccessContext = createContext<OperatorAccess>({ readOnly: false, stuckAfterMinutes: 10, historyDays: null });

/** Set once, where the session is known (the signed-in root), for every page below. */
export function OperatorAccessProvider({ value, children }: { value: OperatorAccess; children: ReactNode }) {
  return <OperatorAccessContext value={value}>{children}</OperatorAccessContext>;
}

export function useOperatorAccess(): OperatorAccess {
  return useContext(OperatorAccessContext);
}
