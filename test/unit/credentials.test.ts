import { describe, expect, it } from 'vitest';
import { ROLES, generateCredentials, serverEnv } from '../../runtime/supervisor/credentials.js';

describe('credentials', () => {
  it('credentials: every role gets a distinct password that nats-server reads as a plain string', () => {
    for (let i = 0; i < 200; i++) {
      const creds = generateCredentials();
      expect(new Set(Object.values(creds)).size).toBe(ROLES.length);
      for (const pw of Object.values(creds)) expect(pw).toMatch(/^pw[0-9a-f]{40}$/);
    }
  });

  it('credentials: the server environment names one VIGIL_PW_<ROLE> per role', () => {
    const env = serverEnv(generateCredentials());
    expect(Object.keys(env).sort()).toEqual(ROLES.map((r) => `VIGIL_PW_${r.toUpperCase()}`).sort());
  });
});
