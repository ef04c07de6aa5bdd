// The SQLite side of the alert outbox (server/alerts/, migration "retention: alerts"). Each method
// that reads then writes runs in an IMMEDIATE transaction: it holds the one write lock, so
// processes sharing the file cannot both move a state or both claim a message.
import type Database from 'better-sqlite3';
import type { AlertAttempt, ClaimedAlert, LeaseTerms, NewAlert } from '#server/store/upload-store.ts';

function prepareAlertStatements(db: Database.Database) {
  return {
    stateInit: db.prepare<{ name: string; state: string; at: number }>('INSERT INTO alert_states (name, state, changed_at) VALUES (@name, @state, @at) ON CONFLICT (name) DO NOTHING'),
    stateMove: db.prepare<{ name: string; state: string; at: number }>('UPDATE alert_states SET state = @state, changed_at = @at WHERE name = @name AND state <> @state'),
    enqueue: db.prepare<NewAlert>(
      'INSERT INTO alert_outbox (key, body, created_at, next_attempt_at) VALUES (@key, @body, @created_at, @created_at) ON CONFLICT (key) DO NOTHING',
    ),
    due: db.prepare<{ now: number; limit: number }, { id: number }>(`
      SELECT id FROM alert_outbox
      WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
      ORDER BY next_attempt_at, id LIMIT @limit`),
    claim: db.prepare<{ id: number; owner: string; until: number }, ClaimedAlert>(
      'UPDATE alert_outbox SET lease_owner = @owner, lease_until = @until, attempts = attempts + 1 WHERE id = @id RETURNING id, key, body, attempts',
    ),
    sent: db.prepare<{ id: number; owner: string; at: number }>(
      'UPDATE alert_outbox SET sent_at = @at, lease_until = NULL WHERE id = @id AND lease_owner = @owner AND lease_until IS NOT NULL AND sent_at IS NULL AND gave_up_at IS NULL',
    ),
    failed: db.prepare<{ id: number; owner: string; error: string; retry_at: number | null; at: number }>(`
      UPDATE alert_outbox SET last_error = @error, lease_until = NULL,
        next_attempt_at = COALESCE(@retry_at, next_attempt_at), gave_up_at = CASE WHEN @retry_at IS NULL THEN @at END
      WHERE id = @id AND lease_owner = @owner AND lease_until IS NOT NULL AND sent_at IS NULL AND gave_up_at IS NULL`),
    purgeSettled: db.prepare<{ cutoff: number; limit: number }>(`
      DELETE FROM alert_outbox WHERE id IN (
        SELECT id FROM alert_outbox WHERE created_at <= @cutoff AND (sent_at IS NOT NULL OR gave_up_at IS NOT NULL) ORDER BY id LIMIT @limit)`),
  };
}

export class SqliteAlertOutbox {
  private readonly stmt: ReturnType<typeof prepareAlertStatements>;

  constructor(private readonly db: Database.Database) {
    this.stmt = prepareAlertStatements(db);
  }

  transition({ name, initial, to, message }: { name: string; initial: string; to: string; message: NewAlert }): boolean {
    return this.db
      .transaction(() => {
        this.stmt.stateInit.run({ name, state: initial, at: message.created_at });
        if (this.stmt.stateMove.run({ name, state: to, at: message.created_at }).changes === 0) return false;
        this.stmt.enqueue.run(message);
        return true;
      })
      .immediate();
  }

  enqueue(message: NewAlert): boolean {
    return this.stmt.enqueue.run(message).changes > 0;
  }

  claim({ owner, now, leaseMs, limit }: LeaseTerms & { limit: number }): ClaimedAlert[] {
    return this.db
      .transaction(() => this.stmt.due.all({ now, limit }).map(({ id }) => this.stmt.claim.get({ id, owner, until: now + leaseMs })!))
      .immediate();
  }

  purgeSettled(cutoff: number, limit: number): number {
    return this.stmt.purgeSettled.run({ cutoff, limit }).changes;
  }

  settle(owner: string, id: number, result: AlertAttempt): boolean {
    const done = result.sent
      ? this.stmt.sent.run({ id, owner, at: result.at })
      : this.stmt.failed.run({ id, owner, error: result.error, retry_at: result.retryAt, at: result.at });
    return done.changes > 0;
  }
}
