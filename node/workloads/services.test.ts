// The Services workload on the dev chain: a few dozen blocks of its calls, every outcome as it
// expected, with each kind of call and each kind of outcome among them.
import { TestChain } from '../harness.ts';
import { devPairs } from '../keys.ts';
import { simulate } from '../simulate.ts';
import { servicesWorkload } from './services.ts';
import { DEFAULT_PROFILE } from './profiles.ts';

describe('the services workload', () => {
  it('plans calls whose outcomes are the ones it expects, failures and refusals included', () => {
    const { chain } = new TestChain('dev');
    const calls: string[] = [];
    const workload = servicesWorkload(DEFAULT_PROFILE.services);
    const recording = { ...workload, plan: (ctx: Parameters<typeof workload.plan>[0]) => {
      const plans = workload.plan(ctx);
      calls.push(...plans.map((p) => p.call.value.type));
      return plans;
    } };
    const report = simulate(chain, { blocks: 80, seed: 1, workloads: [recording], accounts: devPairs() });
    expect(report.unexpected).toEqual([]);
    expect(report.extrinsics.ok).toBeGreaterThan(20);
    expect(report.extrinsics.fail).toBeGreaterThan(5);
    expect(report.extrinsics.refused).toBeGreaterThan(0);
    expect(new Set(calls)).toEqual(new Set(['register', 'update_price_targets', 'update_approval_preference', 'unregister', 'request',
      'approve', 'reject', 'cancel_request', 'top_up', 'terminate']));
  });

  it('plans the same calls from the same seed and state', () => {
    const run = () => simulate(new TestChain('dev').chain, { blocks: 20, seed: 3, workloads: [servicesWorkload(DEFAULT_PROFILE.services)], accounts: devPairs() });
    expect(run().head).toBe(run().head);
  });
});
