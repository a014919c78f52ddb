import { agentKinds } from '../../agents/registry.js';
import { expect } from 'vitest';
import { runCli } from '../helpers/fleet.js';
import { kill9, type DetachedFleet } from '../helpers/faults.js';
import { alive } from '../../runtime/supervisor/fleet-file.js';
import { waitFor } from '../helpers/wait.js';

/** One fault inflicted mid-scenario on a detached fleet. */
export interface FaultCase { name: string; inflict(fleet: DetachedFleet): Promise<void> }

/** kill -9 of the (first) agent of a kind: its supervisor restarts it. */
export function killAgent(kind: string): FaultCase {
  return {
    name: `kill -9 of the ${kind}`,
    inflict: async (fleet) => {
      const pid = fleet.fleet().agents.find((a) => a.kind === kind)?.pid;
      expect(pid, `${kind} pid in the fleet file`).toBeTruthy();
      await kill9(pid!);
    },
  };
}

/** kill -9 of nats-server: the supervisor that started it restarts it on the same port and store. */
export const restartNatsServer: FaultCase = {
  name: 'nats-server killed -9 and restarted by its supervisor',
  inflict: async (fleet) => {
    const pid = fleet.fleet().serverPid!;
    await kill9(pid);
    await waitFor('a new nats-server', () => { const now = fleet.fleet().serverPid; return now !== undefined && now !== pid && alive(now); }, 60_000, 100);
  },
};

/** kill -9 of the supervisor: its agents stop; the operator's `vigil up` replaces the fleet (same credentials). */
export const killSupervisor: FaultCase = {
  name: 'kill -9 of the supervisor, then vigil up',
  inflict: async (fleet) => {
    const f = fleet.fleet();
    await kill9(f.supervisorPid);
    await waitFor('its agents gone with it', () => f.agents.every((a) => !alive(a.pid)), 30_000, 100);
    const res = await runCli(fleet.env, ['up', '--detach', '--json', '--timeout', '90000'], 150_000);
    expect(res.code, res.stderr).toBe(0);
  },
};

export const everyAgentKind: FaultCase[] = agentKinds.map(killAgent);
