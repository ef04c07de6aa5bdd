// The PostgreSQL side of the alert outbox (server/alerts/, migration 4). Replicas share it: a
// state moves by a conditional UPDATE (the second of two at once waits for the first's row lock,
// re-checks, and finds nothing to change), and claims skip each other's rows (SKIP LOCKED).
import type pg from 'pg';
import { inTransaction } from '#server/store/postgres/pool.ts';
import type { AlertAttempt, ClaimedAlert, LeaseTerms, NewAlert } from '#server/store/upload-store.ts';

const ENQUEUE_SQL = 'INSERT INTO alert_outbox (key, body, created_at, next_attempt_at) VALUES ($1, $2, $3::bigint, $3::bigint) ON CONFLICT (key) DO NOTHING';

export async function transitionAlertState(pool: pg.Pool, { name, initial, to, message }: { name: string; initial: string; to: string; message: NewAlert }): Promise<boolean> {
  return await inTransaction(pool, async (client) => {
    await client.query('INSERT INTO alert_states (name, state, changed_at) VALUES ($1, $2, $3::bigint) ON CONFLICT (name) DO NOTHING', [name, initial, message.created_at]);
    const { rowCount } = await client.query('UPDATE alert_states SET state = $2, changed_at = $3::bigint WHERE name = $1 AND state <> $2', [name, to, message.created_at]);
    const moved = (rowCount ?? 0) > 0;
    if (moved) await client.query(ENQUEUE_SQL, [message.key, message.body, message.created_at]);
    return moved;
  });
}

export async function enqueueAlert(pool: pg.Pool, message: NewAlert): Promise<boolean> {
  const { rowCount } = await pool.query(ENQUEUE_SQL, [message.key, message.body, message.created_at]);
  return (rowCount ?? 0) > 0;
}

export async function claimAlerts(pool: pg.Pool, { owner, now, leaseMs, limit }: LeaseTerms & { limit: number }): Promise<ClaimedAlert[]> {
  const { rows } = await pool.query<ClaimedAlert>(
    `WITH picked AS MATERIALIZED (
       SELECT id FROM alert_outbox
       WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= $2::bigint AND (lease_until IS NULL OR lease_until <= $2::bigint)
       ORDER BY next_attempt_at, id LIMIT $4::integer FOR UPDATE SKIP LOCKED
     )
     UPDATE alert_outbox a SET lease_owner = $1, lease_until = $2::bigint + $3::bigint, attempts = a.attempts + 1
     FROM picked WHERE a.id = picked.id
     RETURNING a.id, a.key, a.body, a.attempts`,
    [owner, now, leaseMs, limit],
  );
  return rows.sort((a, b) => a.id - b.id);
}

export async function purgeSettledAlerts(pool: pg.Pool, cutoff: number, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM alert_outbox WHERE id IN (
       SELECT id FROM alert_outbox WHERE created_at <= $1::bigint AND (sent_at IS NOT NULL OR gave_up_at IS NOT NULL) ORDER BY id LIMIT $2::integer)`,
    [cutoff, limit],
  );
  return rowCount ?? 0;
}

export async function settleAlert(pool: pg.Pool, owner: string, id: number, result: AlertAttempt): Promise<boolean> {
  const held = 'id = $1 AND lease_owner = $2 AND lease_until IS NOT NULL AND sent_at IS NULL AND gave_up_at IS NULL';
  const { rowCount } = result.sent
    ? await pool.query(`UPDATE alert_outbox SET sent_at = $3::bigint, lease_until = NULL WHERE ${held}`, [id, owner, result.at])
    : await pool.query(
        `UPDATE alert_outbox SET last_error = $3, lease_until = NULL, next_attempt_at = COALESCE($4::bigint, next_attempt_at),
           gave_up_at = CASE WHEN $4::bigint IS NULL THEN $5::bigint END
         WHERE ${held}`,
        [id, owner, result.error, result.retryAt, result.at],
      );
  return (rowCount ?? 0) > 0;
}
