import { describe, expect, it } from 'vitest';
import { EnvError, readEnv } from './env.ts';

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
});
