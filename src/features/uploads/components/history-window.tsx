import { useOperatorAccess } from '#src/lib/operator-access.tsx';

/** How far back the list goes, when the console forgets finished uploads after a while (RETENTION_DAYS). */
export function HistoryWindow() {
  const { historyDays } = useOperatorAccess();
  if (!historyDays) return null;
  const days = `${historyDays} ${historyDays === 1 ? 'day' : 'days'}`;
  return (
    <span title={`Completed, cancelled and expired uploads leave the console ${days} after they finish, with their parts and timeline.`}>
      History: last {days}.
    </span>
  );
}
