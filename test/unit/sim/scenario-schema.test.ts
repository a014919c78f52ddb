import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario, parseScenario } from '../../../sim/world.js';
import { scenariosDir } from '../../../sim/scenario-loader.js';

const minimal = () => ({
  name: 'tiny', durationS: 600,
  services: [{ service: 'api', externalRps: 10, dependsOn: ['db'] }, { service: 'db', kind: 'database' }],
});

describe('scenario schema', () => {
  it('scenario schema: every shipped scenario loads with defaults filled', () => {
    const names = readdirSync(scenariosDir()).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(names).toEqual(expect.arrayContaining([
      'cpu-spike', 'diurnal', 'flash-crowd', 'ddos', 'memory-leak', 'db-pool-saturation', 'bad-deploy', 'cascade',
      'partner-timeout', 'nab-replay', 'live',
    ]));
    for (const n of names) {
      const s = loadScenario(n);
      expect(s.name).toBe(n);
      expect(s.startMs).toBe(Date.parse(s.startTs));
      for (const svc of s.services) expect(svc.capacityRps).toBeGreaterThan(0);
    }
  });

  it('scenario schema: defaults are filled in and the seed can be overridden', () => {
    const s = parseScenario(minimal(), 'inline', {}, 99);
    expect(s.seed).toBe(99);
    expect(s.tickS).toBe(10);
    expect(s.startTs).toBe('2026-01-05T00:00:00Z');
    expect(s.services[0]).toMatchObject({ instances: 2, bootDelayS: 60, tier: 'app', criticality: 'medium', version: 'v1' });
    expect(s.expect).toMatchObject({ onsetS: null, fixActions: [], holdS: 120 });
  });

  it('scenario schema: a bad file is rejected with a message naming the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sim-'));
    const file = join(dir, 'bad.json');
    const doc = minimal() as Record<string, unknown>;
    (doc.services as Record<string, unknown>[])[0].capacityRps = -5;
    doc.surprise = true;
    writeFileSync(file, JSON.stringify(doc));
    expect(() => loadScenario(file)).toThrow(file);
    expect(() => loadScenario(file)).toThrow(/scenario\.services\.0\.capacityRps: must be > 0/);
    expect(() => loadScenario(file)).toThrow(/unknown key 'surprise'/);
  });

  it('scenario schema: references between services are checked', () => {
    const unknownDep = minimal();
    unknownDep.services[1] = { service: 'db', kind: 'database', dependsOn: ['nope'] } as never;
    expect(() => parseScenario(unknownDep, 'x.json')).toThrow("x.json: scenario.services.1.dependsOn.0: unknown service 'nope'");
    const cycle = minimal();
    cycle.services[1] = { service: 'db', dependsOn: ['api'] } as never;
    expect(() => parseScenario(cycle, 'x.json')).toThrow(/dependency cycle: api -> db -> api/);
    const fault = { ...minimal(), faults: [{ type: 'memory-leak', service: 'ghost', atS: 10 }] };
    expect(() => parseScenario(fault, 'x.json')).toThrow("x.json: scenario.faults.0.service: unknown service 'ghost'");
  });

  it('scenario schema: an unreadable scenario or trace names the file', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/no-such-scenario\.json: cannot read scenario/);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sim-'));
    const file = join(dir, 'replay.json');
    writeFileSync(file, JSON.stringify({ ...minimal(), load: { events: [{ type: 'replay', service: 'api', file: 'missing.csv' }] } }));
    expect(() => loadScenario(file)).toThrow(/replay\.json: scenario\.load\.events: cannot read trace .*missing\.csv/);
  });
});
