import { Kvm } from '@nats-io/kv';
import { Type } from '@sinclair/typebox';
import { ALL, Buckets, DirectiveRequest, LEADER_LEASE_KEY, Subjects, check, describeProblems, endpointSubject } from '../../../runtime/contracts/index.js';
import { defineAgent } from '../../../runtime/host/define-agent.js';
import { Lease } from '../../../runtime/host/lease.js';
import { readBucket } from '../../../runtime/nats/kv-scan.js';
import { errorMessage } from '../../../runtime/errors.js';
import { createOrchestratorBrain, type OrchestratorBrain, type OrchestratorOutput } from './brain.js';
import { ApprovalPolicy } from './approval-gate.js';
import { APPROVALS_KEY, Approvals, type ApprovalRequest } from './approvals.js';
import { fanOutDirective } from './directive-fanout.js';
import { SnapshotStore } from './snapshot-store.js';

/** How long after the orchestrator's decision its own directives take effect (event time). */
const DIRECTIVE_DELAY_MS = 60_000;

const PolicyChange = Type.Object({ type: Type.String(), params: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false });

export const OrchestratorConfig = Type.Object({
  dryRun: Type.Boolean({ default: false, description: 'publish actions marked dryRun: the actuator changes nothing' }),
  forecastOnly: Type.Boolean({ default: false, description: 'predictive scaling records what it would do, without acting' }),
  leaseTtlMs: Type.Integer({ minimum: 1000, maximum: 60_000, default: 5000 }),
  policyChanges: Type.Array(PolicyChange, { default: [], description: 'set-trigger / set-policy directives applied so far, replayed on start' }),
  approvals: ApprovalPolicy,
}, { additionalProperties: false });

/**
 * Orchestrator: owns the policy machines (policies/), publishes actions and its own
 * directives, fans operators' directives out, and holds the leader lease: only the holder
 * acts; a standby restores the persisted machine snapshots when it takes over.
 */
export default defineAgent({
  kind: 'orchestrator',
  tier: 'top',
  description: 'scaling, remediation and escalation machines; actions, directives, leader lease',
  consumes: [Subjects.agg, Subjects.incident, Subjects.forecast, Subjects.plan, Subjects.impact, Subjects.actionResult],
  produces: [Subjects.action, Subjects.directive, Subjects.audit],
  clock: 'upstream',
  config: OrchestratorConfig,
  async start({ agentId, bus, catalog, clock, log, nats, counters, publishDirective }, initial) {
    let config = initial;
    const kvm = new Kvm(nats);
    const lease = new Lease(await kvm.open(Buckets.lease, { allow_direct: true }), LEADER_LEASE_KEY, agentId, config.leaseTtlMs);
    const snapshots = new SnapshotStore(await kvm.open(Buckets.snapshots, { allow_direct: true }), log, () => readBucket(nats, Buckets.snapshots));
    let brain: OrchestratorBrain | null = null;
    /** The machines of the last lease this process held, and its revision. */
    let stoodDown: { brain: OrchestratorBrain; revision: number } | null = null;
    let directiveSeq = 0;
    const approvals = new Approvals(config.approvals, {
      brain: () => brain, publish: (out) => publish(out), audit: (e) => bus.emit(Subjects.audit, [e.runId], e),
      persist: (state) => snapshots.write([{ key: APPROVALS_KEY, value: state }]), now: () => clock.now(), wallNow: () => Date.now(),
    });

    const newBrain = (restore?: Record<string, unknown>): OrchestratorBrain => {
      const b = createOrchestratorBrain({
        dryRun: config.dryRun, forecastOnly: config.forecastOnly, restore, catalog: (s) => catalog.get(s), held: (runId) => approvals.holdsRun(runId),
      });
      for (const change of config.policyChanges) b.applyDirective(change.type, change.params);
      return b;
    };
    const publish = (out: OrchestratorOutput): void => {
      // Fencing: each action carries the lease revision it was decided under; actuators refuse older ones.
      for (const a of approvals.filter(out.actions)) bus.emit(Subjects.action, [a.service], { ...a, leaseRevision: lease.leaseRevision() });
      for (const e of out.audit) bus.emit(Subjects.audit, [e.runId], e);
      for (const d of out.directives) {
        // Monitoring changes take effect a minute of event time later on the agents' own clocks:
        // deterministic whatever the delivery delay (lower tiers run at most a few ticks ahead).
        const params = { ...d.params, effectiveAt: clock.now() + DIRECTIVE_DELAY_MS };
        publishDirective(d.to, { directiveId: `${agentId}-${clock.now()}-${++directiveSeq}`, type: d.type, params, issuedBy: agentId, ts: clock.now() });
      }
      snapshots.write(out.snapshots);
      counters.actions = (counters.actions ?? 0) + out.actions.length;
    };
    const whenLeader = (fn: (b: OrchestratorBrain) => OrchestratorOutput): void => {
      if (!brain) { counters.standbyIgnored = (counters.standbyIgnored ?? 0) + 1; return; }
      publish(fn(brain));
    };
    const checkLease = async (): Promise<void> => {
      const wasLeader = lease.isLeader();
      const leads = await lease.tick();
      if (leads && !wasLeader && stoodDown && stoodDown.revision === lease.leaseRevision()) {
        // Taken back with the revision this process last held: nobody led in between (a change of
        // holder adds one), so its own machines are newer than any snapshot. A lease read that
        // failed while the buckets re-elected a leader (a cluster node died) ends here.
        brain = stoodDown.brain;
        stoodDown = null;
        log.info('took the leader lease back: nobody led meanwhile, runs kept');
      } else if (leads && !wasLeader) {
        stoodDown = null;
        const { [APPROVALS_KEY]: waits, ...runs } = await snapshots.readAll();
        approvals.restore(waits, config.approvals);
        brain = newBrain(runs);
        log.info({ runs: snapshots.size() }, 'took the leader lease: runs restored');
        publish(brain.resume(clock.now()));
      } else if (!leads && wasLeader) {
        stoodDown = brain ? { brain, revision: lease.leaseRevision() } : null;
        brain = null;
        log.warn('lost the leader lease: standing by');
      }
    };
    await checkLease();
    const leaseTimer = setInterval(() => {
      checkLease().catch((err) => { counters.errors++; log.warn({ err: errorMessage(err) }, 'lease check failed'); });
    }, Math.floor(config.leaseTtlMs / 3));
    const approvalTimer = setInterval(() => approvals.tick(), 1000);

    bus.on(Subjects.agg, (m) => whenLeader((b) => b.onAgg(m, clock.now())));
    bus.on(Subjects.incident, (m) => whenLeader((b) => b.onIncident(m, clock.now())));
    bus.on(Subjects.forecast, (m) => whenLeader((b) => b.onForecast(m, clock.now())));
    bus.on(Subjects.plan, (m) => whenLeader((b) => b.onPlan(m, clock.now())));
    bus.on(Subjects.impact, (m) => whenLeader((b) => b.onImpact(m, clock.now())));
    bus.on(Subjects.actionResult, (m) => whenLeader((b) => b.onActionResult(m, clock.now())));

    return {
      inspect: () => ({ leader: lease.isLeader(), dryRun: config.dryRun, forecastOnly: config.forecastOnly, pendingApprovals: approvals.list(), brain: brain?.state() ?? null }),
      onWatermark: (ts) => whenLeader((b) => b.advance(ts)),
      reset: () => {
        if (brain) publish(brain.releaseMonitoring()); // boosts of incidents left open must not carry into the new run
        snapshots.clear();
        approvals.clear();
        stoodDown = null;
        if (brain) brain = newBrain();
      },
      directive: (d) => {
        if (d.type !== 'set-trigger' && d.type !== 'set-policy') return { status: 'rejected', detail: `orchestrator does not handle ${d.type}` };
        const probe = newBrain();
        const outcome = probe.applyDirective(d.type, d.params);
        if (outcome.status !== 'applied') return outcome;
        brain?.applyDirective(d.type, d.params);
        // the predictor plans capacity with the same scaling policy: it hears the change too
        publishDirective({ tier: 'intermediate', kind: 'predictor', agentId: ALL }, { ...d, directiveId: `${d.directiveId}-predictor`, issuedBy: agentId });
        return { ...outcome, config: { ...config, policyChanges: [...config.policyChanges, { type: d.type, params: d.params }] } };
      },
      reconfigure: (next) => { config = next; approvals.setPolicy(next.approvals); },
      endpoints: {
        directive: {
          subject: endpointSubject('orchestrator', agentId, 'directive'),
          handle: async (request) => {
            const result = check(DirectiveRequest, request);
            if (!result.ok) throw new Error(describeProblems('directive request', result.problems));
            return fanOutDirective(nats, bus, result.value);
          },
        },
        approvals: {
          subject: endpointSubject('orchestrator', agentId, 'approvals'),
          handle: (request) => {
            if (!brain) throw new Error(`${agentId} is on standby: ask the lease holder`);
            return approvals.handle((request ?? {}) as ApprovalRequest);
          },
        },
        incidents: {
          subject: endpointSubject('orchestrator', agentId, 'incidents'),
          handle: (request) => {
            if (!brain) throw new Error(`${agentId} is on standby: ask the lease holder`);
            const { op, id } = request as { op?: string; id?: string };
            if (op === undefined || op === 'ls') return brain.incidents();
            if ((op === 'ack' || op === 'resolve') && typeof id === 'string') {
              publish(op === 'ack' ? brain.ack(id, clock.now()) : brain.resolve(id, clock.now()));
              return brain.incidents().find((i) => (i as { id?: string }).id === id) ?? { error: `no incident ${id}` };
            }
            throw new Error("request must be {op: 'ls'} or {op: 'ack'|'resolve', id}");
          },
        },
      },
      stop: async () => {
        clearInterval(leaseTimer);
        clearInterval(approvalTimer);
        await snapshots.flush();
        await lease.release().catch((err) => log.warn({ err: errorMessage(err) }, 'lease release failed'));
      },
    };
  },
});
