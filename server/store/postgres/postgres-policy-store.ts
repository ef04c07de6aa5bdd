// The PolicyStore on the PostgreSQL store's pool (migrations.ts, version 3). Every write with its
// change entry is one transaction; the round's claim is one conditional UPDATE of the schedule
// row, which PostgreSQL serialises on the row lock: of replicas claiming at once, exactly one wins
// (the others re-check the condition after the winner commits, and find the round moved on).
import type pg from 'pg';
import { inTransaction } from '#server/store/postgres/pool.ts';
import type { PolicyChange, PolicyPause } from '#contract/policies.ts';
import {
  PolicyNameTakenError,
  type NewPolicyChange,
  type PolicyStore,
  type PolicyUpdate,
  type StoredPolicy,
  type StoredPolicyRun,
} from '#server/store/policy-store.ts';

const POLICY_COLUMNS = ['name', 'enabled', 'stuck', 'stuck_after_minutes', 'older_than_minutes', 'client', 'purpose'] as const;
const ALL_COLUMNS = 'id, name, enabled, stuck, stuck_after_minutes, older_than_minutes, client, purpose, created_by, created_at, updated_by, updated_at';
const RUN_COLUMNS = 'id, policy_id, policy_name, started_at, finished_at, matched, job_id';
const CHANGE_COLUMNS = 'id, at, actor, action, policy_id, policy_name, detail';

const isNameTaken = (error: unknown) => error instanceof Error && 'code' in error && error.code === '23505' && 'constraint' in error && error.constraint === 'policies_name_key';

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PostgresPolicyStore implements PolicyStore {
  constructor(private readonly pool: pg.Pool) {}

  async listPolicies(): Promise<StoredPolicy[]> {
    return (await this.pool.query<StoredPolicy>(`SELECT ${ALL_COLUMNS} FROM policies ORDER BY created_at, id`)).rows;
  }

  async getPolicy(id: string): Promise<StoredPolicy | null> {
    return (await this.pool.query<StoredPolicy>(`SELECT ${ALL_COLUMNS} FROM policies WHERE id = $1`, [id])).rows[0] ?? null;
  }

  async createPolicy(policy: StoredPolicy, change: NewPolicyChange): Promise<StoredPolicy> {
    try {
      return await this.transaction(async (c) => {
        const { rows } = await c.query<StoredPolicy>(
          `INSERT INTO policies (${ALL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${ALL_COLUMNS}`,
          [policy.id, policy.name, policy.enabled, policy.stuck, policy.stuck_after_minutes, policy.older_than_minutes, policy.client, policy.purpose, policy.created_by, policy.created_at, policy.updated_by, policy.updated_at],
        );
        await this.logChange(c, change);
        return rows[0]!;
      });
    } catch (error) {
      if (isNameTaken(error)) throw new PolicyNameTakenError(policy.name);
      throw error;
    }
  }

  async updatePolicy(id: string, fields: PolicyUpdate & Pick<StoredPolicy, 'updated_by' | 'updated_at'>, change: NewPolicyChange): Promise<StoredPolicy | null> {
    const columns = [...POLICY_COLUMNS.filter((column) => column in fields), 'updated_by', 'updated_at'] as const;
    const values = columns.map((column) => fields[column as keyof typeof fields] ?? null);
    try {
      return await this.transaction(async (c) => {
        const { rows } = await c.query<StoredPolicy>(
          `UPDATE policies SET ${columns.map((column, i) => `${column} = $${i + 2}`).join(', ')} WHERE id = $1 RETURNING ${ALL_COLUMNS}`,
          [id, ...values],
        );
        if (rows.length === 0) return null;
        await this.logChange(c, change);
        return rows[0]!;
      });
    } catch (error) {
      if (isNameTaken(error) && fields.name !== undefined) throw new PolicyNameTakenError(fields.name);
      throw error;
    }
  }

  async deletePolicy(id: string, change: NewPolicyChange): Promise<boolean> {
    return this.transaction(async (c) => {
      const { rowCount } = await c.query('DELETE FROM policies WHERE id = $1', [id]);
      if (rowCount === 0) return false;
      await this.logChange(c, change);
      return true;
    });
  }

  async listPolicyChanges(limit: number): Promise<PolicyChange[]> {
    return (await this.pool.query<PolicyChange>(`SELECT ${CHANGE_COLUMNS} FROM policy_changes ORDER BY id DESC LIMIT $1::integer`, [limit])).rows;
  }

  async getPolicyPause(): Promise<PolicyPause> {
    return (await this.pool.query<PolicyPause>('SELECT paused, changed_by, changed_at FROM policy_schedule')).rows[0]!;
  }

  async setPolicyPause(paused: boolean, actor: string, at: number): Promise<PolicyPause> {
    return this.transaction(async (c) => {
      const { rows } = await c.query<PolicyPause>(
        'UPDATE policy_schedule SET paused = $1, changed_by = $2, changed_at = $3 WHERE paused <> $1 RETURNING paused, changed_by, changed_at',
        [paused, actor, at],
      );
      if (rows.length === 0) return (await c.query<PolicyPause>('SELECT paused, changed_by, changed_at FROM policy_schedule')).rows[0]!;
      await this.logChange(c, { at, actor, action: paused ? 'pause' : 'resume', policy_id: null, policy_name: null, detail: null });
      return rows[0]!;
    });
  }

  async claimPolicyRound(now: number, intervalSeconds: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE policy_schedule SET next_round_at = $1::bigint + $2::bigint WHERE next_round_at <= $1::bigint', [now, intervalSeconds]);
    return rowCount === 1;
  }

  async recordPolicyRun(run: Omit<StoredPolicyRun, 'finished_at'>): Promise<void> {
    await this.pool.query('INSERT INTO policy_runs (id, policy_id, policy_name, started_at, matched, job_id) VALUES ($1, $2, $3, $4, $5, $6)', [
      run.id,
      run.policy_id,
      run.policy_name,
      run.started_at,
      run.matched,
      run.job_id,
    ]);
  }

  async recentPolicyRuns(policyIds: readonly string[], perPolicy: number): Promise<Map<string, StoredPolicyRun[]>> {
    const runs = new Map<string, StoredPolicyRun[]>(policyIds.map((id) => [id, []]));
    if (policyIds.length === 0) return runs;
    const { rows } = await this.pool.query<StoredPolicyRun>(
      `SELECT r.* FROM unnest($1::text[]) AS p(id)
       CROSS JOIN LATERAL (SELECT ${RUN_COLUMNS} FROM policy_runs WHERE policy_id = p.id ORDER BY started_at DESC, id DESC LIMIT $2::integer) AS r`,
      [policyIds, perPolicy],
    );
    for (const row of rows) runs.get(row.policy_id)?.push(row);
    return runs;
  }

  async unfinishedPolicyRuns(): Promise<StoredPolicyRun[]> {
    return (await this.pool.query<StoredPolicyRun>(`SELECT ${RUN_COLUMNS} FROM policy_runs WHERE finished_at IS NULL ORDER BY started_at, id`)).rows;
  }

  async policyRunOfJob(jobId: string): Promise<StoredPolicyRun | null> {
    return (await this.pool.query<StoredPolicyRun>(`SELECT ${RUN_COLUMNS} FROM policy_runs WHERE job_id = $1`, [jobId])).rows[0] ?? null;
  }

  async finishPolicyRun(id: string, at: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('UPDATE policy_runs SET finished_at = $2 WHERE id = $1 AND finished_at IS NULL', [id, at]);
    return rowCount === 1;
  }

  private async logChange(c: Queryable, change: NewPolicyChange): Promise<void> {
    await c.query('INSERT INTO policy_changes (at, actor, action, policy_id, policy_name, detail) VALUES ($1, $2, $3, $4, $5, $6)', [
      change.at,
      change.actor,
      change.action,
      change.policy_id,
      change.policy_name,
      change.detail,
    ]);
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}
