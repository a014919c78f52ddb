import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentKinds } from '../../agents/registry.js';
import { renderNatsConf, roleGrants } from '../../runtime/security/nats-conf.js';
import { ROLES } from '../../runtime/supervisor/credentials.js';
import { REPO_ROOT } from '../helpers/nats-server.js';

describe('nats.conf is generated from the registry and the contracts', () => {
  it('nats.conf: the committed file is exactly what `vigil nats-conf` generates', () => {
    expect(readFileSync(join(REPO_ROOT, 'nats.conf'), 'utf8')).toBe(renderNatsConf());
  });

  it('nats.conf: one role per agent kind plus the operator, the same roles the credentials hold', () => {
    expect(roleGrants().map((g) => g.role)).toEqual([...agentKinds, 'operator']);
    expect([...ROLES].sort()).toEqual([...agentKinds, 'operator'].sort());
  });

  it('nats.conf: no agent role may use the consumer API, delete streams or read every inbox', () => {
    for (const g of roleGrants().filter((r) => r.role !== 'operator')) {
      expect(g.permissions.publish.filter((s) => s.startsWith('$JS.API.CONSUMER') || s.includes('DELETE') || s === '>' || s.endsWith('.>') && s.startsWith('vigil.'))).toEqual([]);
      expect(g.permissions.subscribe).not.toContain('_INBOX.>');
      expect(g.permissions.subscribe).not.toContain('vigil.svc.>');
    }
  });
});
