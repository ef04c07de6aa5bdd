// The activity chart's one statement for SQLite (see server/store/activity-buckets.ts): bucket
// counts by stored status from upload_activity (its primary key), then the pending uploads of the
// range (uploads_by_status_created) that have lapsed or are stuck at `now`.
import type { StuckRule } from '#server/domain/stuck-rule.ts';
import { activityTableSize, type ActivityRange } from '#server/store/activity-buckets.ts';
import type { SqlParams } from './filter-sql.ts';
import { STUCK_SQL } from './statements.ts';

// better-sqlite3 binds a JS number as a REAL: the divisions are made integer ones by the casts.
export const ACTIVITY_SQL = `
  SELECT (bucket * CAST(@size AS INTEGER)) / CAST(@bucket_seconds AS INTEGER) AS bucket, status, SUM(n) AS n FROM upload_activity
    WHERE size = @size AND bucket >= @from_bucket AND bucket < @to_bucket
    GROUP BY 1, 2
  UNION ALL
  SELECT created_at / CAST(@bucket_seconds AS INTEGER) AS bucket, CASE WHEN expires_at <= @now THEN 'lapsed' ELSE 'stuck' END AS status, COUNT(*) AS n FROM uploads
    WHERE status = 'pending' AND created_at >= @from AND created_at < @to AND (expires_at <= @now OR ${STUCK_SQL})
    GROUP BY 1, 2`;

export function activityParams(range: ActivityRange, now: number, stuckRule: StuckRule): SqlParams {
  const size = activityTableSize(range);
  return {
    size,
    bucket_seconds: range.bucketSeconds,
    from_bucket: range.from / size,
    to_bucket: range.to / size,
    from: range.from,
    to: range.to,
    now,
    stuck_after: stuckRule.afterSeconds,
  };
}
