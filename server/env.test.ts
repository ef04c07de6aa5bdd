import { describe, expect, it } from 'vitest';
import { EnvError, readEnv, REPLICAS_NEED_TOKENS } from './env.ts';

describe('readEnv', () => {
  it('has defaults for everything', () => {
    expect(readEnv({})).toMatchObject({ PORT: 8787, HOST: '127.0.0.1', OPENAI_BASE_URL: 'https://api.openai.com/v1', STUCK_AFTER_MINUTES: 10 });
  });

  it('names every bad variable, and shows no secret value', () => {
    let message = '';
    try {
      readEnv({ PORT: 'abc', OPERATORS: 'alice:this-is-alices-real-secret-token,bob:short', ADMIN_TOKEN: 'tiny', OPENAI_BASE_URL: 'ftp://x' });
    } catch (error) {
      expect(error).toBeInstanceOf(EnvError);
      message = (error as Error).message;
    }
    for (const name of ['PORT', 'OPERATORS', 'ADMIN_TOKEN', 'OPENAI_BASE_URL']) expect(message).toContain(name);
    expect(message).toContain('"abc"');
    expect(message).not.toContain('this-is-alices-real-secret-token');
    expect(message).not.toContain('tiny');
  });

  it('keeps history 30 days and the audit 365 by default; 0 keeps forever; a bad number is named', () => {
    expect(readEnv({})).toMatchObject({ RETENTION_DAYS: 30, AUDIT_RETENTION_DAYS: 365 });
    expect(readEnv({ RETENTION_DAYS: '0', AUDIT_RETENTION_DAYS: '0' })).toMatchObject({ RETENTION_DAYS: 0, AUDIT_RETENTION_DAYS: 0 });
    expect(errorOf({ RETENTION_DAYS: '-1' })).toMatch(/RETENTION_DAYS: .*\(got "-1"\)/);
    expect(errorOf({ AUDIT_RETENTION_DAYS: '1.5' })).toMatch(/AUDIT_RETENTION_DAYS/);
  });

  it('takes an http(s) ALERT_WEBHOOK_URL and never shows it (its path is a token)', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/the-webhook-token';
    expect(readEnv({ ALERT_WEBHOOK_URL: url })).toMatchObject({ ALERT_WEBHOOK_URL: url, ALERT_STUCK_THRESHOLD: 10 });
    expect(readEnv({ ALERT_WEBHOOK_URL: '' }).ALERT_WEBHOOK_URL).toBeUndefined();
    const message = errorOf({ ALERT_WEBHOOK_URL: 'ftp://hooks.example.com/the-webhook-token', ALERT_STUCK_THRESHOLD: 'many' });
    expect(message).toMatch(/ALERT_WEBHOOK_URL: must be an http\(s\) URL/);
    expect(message).toMatch(/ALERT_STUCK_THRESHOLD: .*\(got "many"\)/);
    expect(message).not.toContain('the-webhook-token');
  });

  it('selects PostgreSQL from DATABASE_URL, and never shows it (it holds the password)', () => {
    const url = 'postgres://console:hunter2-the-password@db.internal:5432/uploads';
    expect(readEnv({ DATABASE_URL: url, ADMIN_TOKEN: 'a-long-enough-admin-token' }).DATABASE_URL).toBe(url);
    expect(readEnv({}).DATABASE_URL).toBeUndefined();
    expect(readEnv({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
    const message = errorOf({ DATABASE_URL: 'mysql://console:hunter2-the-password@db/x', ADMIN_TOKEN: 'a-long-enough-admin-token' });
    expect(message).toMatch(/DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses PostgreSQL without operator tokens, in one line: a generated token would differ per replica', () => {
    const message = errorOf({ DATABASE_URL: 'postgres://console:secret-password@db/uploads' });
    expect(message).toBe(`Invalid configuration: ADMIN_TOKEN: ${REPLICAS_NEED_TOKENS}`);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('secret-password');
    expect(readEnv({ DATABASE_URL: 'postgresql://db/uploads', OPERATORS: 'ops:an-operator-token-long-enough' }).OPERATORS).toBeDefined();
    // SQLite (one process) still makes one up.
    expect(readEnv({}).ADMIN_TOKEN).toBeUndefined();
  });

  it('accepts TRUST_PROXY as off, a hop count or proxy addresses, and refuses "true" and nonsense', () => {
    for (const value of ['', 'false', '1', '2', 'loopback', 'loopback, 10.0.0.0/8', '192.168.1.10', 'uniquelocal,::1']) {
      expect(readEnv({ TRUST_PROXY: value }).TRUST_PROXY, value).toBe(value.trim() === '' ? undefined : value.trim());
    }
    expect(errorOf({ TRUST_PROXY: 'true' })).toMatch(/TRUST_PROXY: "true" would trust an X-Forwarded-For any client can write/);
    expect(errorOf({ TRUST_PROXY: 'nginx-box' })).toMatch(/TRUST_PROXY: must be off, a hop count, or addresses.*\(got "nginx-box"\)/);
  });

  it('reads the bulk lease length and the replica name', () => {
    expect(readEnv({}).BULK_LEASE_SECONDS).toBe(30);
    expect(readEnv({}).POLICY_INTERVAL_SECONDS).toBe(60);
    expect(readEnv({ POLICY_INTERVAL_SECONDS: '5' }).POLICY_INTERVAL_SECONDS).toBe(5);
    expect(errorOf({ POLICY_INTERVAL_SECONDS: '0' })).toMatch(/POLICY_INTERVAL_SECONDS/);
    expect(readEnv({}).REPLICA_ID).toBeUndefined();
    expect(readEnv({ BULK_LEASE_SECONDS: '3', REPLICA_ID: 'console-1' })).toMatchObject({ BULK_LEASE_SECONDS: 3, REPLICA_ID: 'console-1' });
    expect(errorOf({ BULK_LEASE_SECONDS: '0' })).toMatch(/BULK_LEASE_SECONDS/);
    expect(errorOf({ REPLICA_ID: 'two words' })).toMatch(/REPLICA_ID: may hold letters/);
  });

  it('keeps the emulator beside the SQLite file unless EMULATOR_DATA_DIR says where', () => {
    expect(readEnv({}).EMULATOR_DATA_DIR).toBeUndefined();
    expect(readEnv({ EMULATOR_DATA_DIR: '/var/lib/uc-emulator' }).EMULATOR_DATA_DIR).toBe('/var/lib/uc-emulator');
  });

  it('turns /metrics on with METRICS_TOKEN, refuses a short one, and never shows it', () => {
    expect(readEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(readEnv({ METRICS_TOKEN: ' ' }).METRICS_TOKEN).toBeUndefined();
    expect(readEnv({ METRICS_TOKEN: 'prometheus-scrape-token-0123' }).METRICS_TOKEN).toBe('prometheus-scrape-token-0123');
    const message = errorOf({ METRICS_TOKEN: 'short-secret' });
    expect(message).toBe('Invalid configuration: METRICS_TOKEN: must be at least 16 characters (got a hidden value)');
    expect(errorOf({ METRICS_TOKEN: 'a token with spaces in it' })).toMatch(/METRICS_TOKEN: may not contain spaces/);
  });
});

function errorOf(source: Record<string, string>): string {
  try {
    readEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
  throw new Error('readEnv accepted it');
}
