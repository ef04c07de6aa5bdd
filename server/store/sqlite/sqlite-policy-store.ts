// The PolicyStore on the SQLite store's database (migrations.ts, the "policies" migration). Every
// write with its change entry is one transaction; the round's claim is one conditional UPDATE, so
// of several processes sharing the file exactly one gets each round.
import type Database from 'better-sqlite3';
import type { PolicyChange, PolicyPause } from '#contract/policies.ts';
import {
  PolicyNameTakenError,
  type NewPolicyChange,
  type PolicyStore,
  type PolicyUpdate,
  type StoredPolicy,
  type StoredPolicyRun,
} from '#server/store/policy-store.ts';

interface PolicyRow extends Omit<StoredPolicy, 'enabled' | 'stuck'> {
  enabled: number;
  stuck: number;
}

const POLICY_COLUMNS = ['name', 'enabled', 'stuck', 'stuck_after_minutes', 'older_than_minutes', 'client', 'purpose'] as const;

const fromRow = (row: PolicyRow): StoredPolicy => ({ ...row, enabled: row.enabled === 1, stuck: row.stuck === 1 });
const toRow = (fields: PolicyUpdate): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, typeof value === 'boolean' ? Number(value) : value]));

const isNameTaken = (error: unknown) => error instanceof Error && 'code' in error && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('policies.name');

export class SqlitePolicyStore implements PolicyStore {
  constructor(private readonly db: Database.Database) {}

  async listPolicies(): Promise<StoredPolicy[]> {
    return (this.db.prepare('SELECT * FROM policies ORDER BY created_at, rowid').all() as PolicyRow[]).map(fromRow);
  }

  async getPolicy(id: string): Promise<StoredPolicy | null> {
    const row = this.db.prepare('SELECT * FROM policies WHERE id = ?').get(id) as PolicyRow | undefined;
    return row ? fromRow(row) : null;
  }

  async createPolicy(policy: StoredPolicy, change: NewPolicyChange): Promise<StoredPolicy> {
    try {
      this.db.transaction(() => {
        this.db
          .prepare(
            `INSERT INTO policies (id, name, enabled, stuck, stuck_after_minutes, older_than_minutes, client, purpose, created_by, created_at, updated_by, updated_at)
             VALUES (@id, @name, @enabled, @stuck, @stuck_after_minutes, @older_than_minutes, @client, @purpose, @created_by, @created_at, @updated_by, @updated_at)`,
          )
          .run(toRow(policy));
        this.logChange(change);
      }).immediate();
    } catch (error) {
      if (isNameTaken(error)) throw new PolicyNameTakenError(policy.name);
      throw error;
    }
    return (await this.getPolicy(policy.id))!;
  }

  async updatePolicy(id: string, fields: PolicyUpdate & Pick<StoredPolicy, 'updated_by' | 'updated_at'>, change: NewPolicyChange): Promise<StoredPolicy | null> {
    const columns = [...POLICY_COLUMNS.filter((column) => column in fields), 'updated_by', 'updated_at'];
    try {
      const changed = this.db.transaction(() => {
        const result = this.db.prepare(`UPDATE policies SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`).run({ ...toRow(fields), id });
        if (result.changes === 0) return false;
        this.logChange(change);
        return true;
      }).immediate();
      return changed ? this.getPolicy(id) : null;
    } catch (error) {
      if (isNameTaken(error) && fields.name !== undefined) throw new PolicyNameTakenError(fields.name);
      throw error;
    }
  }

  async deletePolicy(id: string, change: NewPolicyChange): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.db.prepare('DELETE FROM policies WHERE id = ?').run(id).changes === 0) return false;
      this.logChange(change);
      return true;
    }).immediate();
  }

  async listPolicyChanges(limit: number): Promise<PolicyChange[]> {
    return this.db.prepare('SELECT * FROM policy_changes ORDER BY id DESC LIMIT ?').all(limit) as PolicyChange[];
  }

  async getPolicyPause(): Promise<PolicyPause> {
    const row = this.db.prepare('SELECT paused, changed_by, changed_at FROM policy_schedule WHERE id = 1').get() as { paused: number; changed_by: string | null; changed_at: number | null };
    return { paused: row.paused === 1, changed_by: row.changed_by, changed_at: row.changed_at };
  }

  async setPolicyPause(paused: boolean, actor: string, at: number): Promise<PolicyPause> {
    this.db.transaction(() => {
      const result = this.db.prepare('UPDATE policy_schedule SET paused = @paused, changed_by = @actor, changed_at = @at WHERE id = 1 AND paused <> @paused').run({ paused: Number(paused), actor, at });
      if (result.changes === 1) this.logChange({ at, actor, action: paused ? 'pause' : 'resume', policy_id: null, policy_name: null, detail: null });
    }).immediate();
    return this.getPolicyPause();
  }

  async claimPolicyRound(now: number, intervalSeconds: number): Promise<boolean> {
    const result = this.db.prepare('UPDATE policy_schedule SET next_round_at = @next WHERE id = 1 AND next_round_at <= @now').run({ now, next: now + intervalSeconds });
    return result.changes === 1;
  }

  async recordPolicyRun(run: Omit<StoredPolicyRun, 'finished_at'>): Promise<void> {
    this.db
      .prepare('INSERT INTO policy_runs (id, policy_id, policy_name, started_at, matched, job_id) VALUES (@id, @policy_id, @policy_name, @started_at, @matched, @job_id)')
      .run(run);
  }

  async recentPolicyRuns(policyIds: readonly string[], perPolicy: number): Promise<Map<string, StoredPolicyRun[]>> {
    const statement = this.db.prepare('SELECT * FROM policy_runs WHERE policy_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?');
    return new Map(policyIds.map((id) => [id, statement.all(id, perPolicy) as StoredPolicyRun[]]));
  }

  async unfinishedPolicyRuns(): Promise<StoredPolicyRun[]> {
    return this.db.prepare('SELECT * FROM policy_runs WHERE finished_at IS NULL ORDER BY started_at, rowid').all() as StoredPolicyRun[];
  }

  async policyRunOfJob(jobId: string): Promise<StoredPolicyRun | null> {
    return (this.db.prepare('SELECT * FROM policy_runs WHERE job_id = ?').get(jobId) as StoredPolicyRun | undefined) ?? null;
  }

  async finishPolicyRun(id: string, at: number): Promise<boolean> {
    return this.db.prepare('UPDATE policy_runs SET finished_at = ? WHERE id = ? AND finished_at IS NULL').run(at, id).changes === 1;
  }

  private logChange(change: NewPolicyChange): void {
    this.db
      .prepare('INSERT INTO policy_changes (at, actor, action, policy_id, policy_name, detail) VALUES (@at, @actor, @action, @policy_id, @policy_name, @detail)')
      .run(change);
  }
}
