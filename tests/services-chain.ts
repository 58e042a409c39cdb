// What the Services tests share: the dev chain through the harness with its dev operators (Bob,
// Charlie requiring approval), prices and resources they use, readings of what a user sees, and
// the checks that a failed call changed nothing but its signer's fee and nonce.
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import type { HexString } from '../primitives/scale.ts';
import type { AccountId } from '../primitives/types.ts';
import { TestChain, type BlockReport, type ExtrinsicReport, type RuntimeEvent } from '../node/harness.ts';
import { accountOf, type SigningPair } from '../node/signer.ts';
import * as System from '../frame/system/index.ts';
import type { RuntimeCallValue } from '../frame/pallet.ts';
import { Services, Sudo } from '../runtime/runtime.ts';
import { oraclePrice as oracle } from '../pallets/oracle/index.ts';
import type { PriceTargets as Targets, Resources } from '../pallets/services/types.ts';
import { expectOnlyFeeAndNonce } from './support.ts';
import { TOKEN } from '../frame/units.ts';

export const tx = Services.tx;
export const ecdsaKey = (name: string) => u8aToHex(new Keyring({ type: 'ecdsa' }).addFromUri(`//${name}`).publicKey) as HexString;
export const targets = (cpu: bigint, mem: bigint, storage_hdd: bigint, storage_ssd: bigint, storage_nvme: bigint): Targets =>
  ({ cpu, mem, storage_hdd, storage_ssd, storage_nvme });
export const LOW = targets(500n, 250n, 25n, 50n, 75n);
export const HIGH = targets(1000n, 500n, 50n, 100n, 150n);
export const BOB_TARGETS = targets(30_000n, 5n, 60n, 140n, 200n);
export const SMALL: Resources = { vcpu: 2, mem_mb: 4096, storage_gb: 100, storage_class: { type: 'Ssd' } };
export const prefs = (name: string, price_targets: Targets, approval: 'None' | 'Required' = 'None') =>
  ({ key: ecdsaKey(name), approval: { type: approval }, price_targets });

// ---- reading reports -----------------------------------------------------------------------------

export const ok = (xt: ExtrinsicReport): ExtrinsicReport => {
  expect([xt.included, xt.error ?? xt.refused]).toEqual([true, undefined]);
  return xt;
};
/** The Services events of an extrinsic or a block, as `{ type, value }`. */
export const servicesEvents = (events: RuntimeEvent[]) => events.filter((e) => e.type === 'Services').map((e) => e.value);
export const blockEvents = (report: BlockReport, phase?: string) =>
  servicesEvents(report.events.filter((r) => phase === undefined || r.phase.type === phase).map((r) => r.event));

export class ServicesChain {
  readonly chain = new TestChain('dev');
  readonly pairs = this.chain.accounts;
  readonly ids = Object.fromEntries(Object.entries(this.pairs).map(([name, pair]) => [name, accountOf(pair)])) as Record<keyof ServicesChain['pairs'], AccountId>;

  /** Submits the calls, builds a block, and expects each to succeed. */
  block(...calls: [SigningPair, RuntimeCallValue][]): BlockReport {
    for (const [signer, call] of calls) this.chain.submit(signer, call);
    const report = this.chain.newBlock();
    report.extrinsics.forEach(ok);
    return report;
  }

  sudo(call: RuntimeCallValue): BlockReport {
    const report = this.block([this.pairs.alice, Sudo.tx.sudo({ call })]);
    const sudid = report.extrinsics[0].events.find((e) => e.type === 'Sudo')?.value.value as { sudo_result: { success: boolean } };
    expect(sudid.sudo_result).toEqual({ success: true, value: undefined });
    return report;
  }

  query<T>(body: () => T): T {
    return this.chain.query(body);
  }

  account(who: AccountId) {
    return this.query(() => System.Account.get(who));
  }

  /** `call` from `signer` fails with `error`, deposits no Services event, and changes nothing but the signer's fee and nonce. */
  failsCleanly(signer: SigningPair, call: RuntimeCallValue, error: string): ExtrinsicReport {
    this.chain.submit(signer, call);
    const xt = this.chain.newBlock().extrinsics[0];
    expect(xt).toMatchObject({ included: true, error });
    expectOnlyFeeAndNonce(this.chain, accountOf(signer), xt.events);
    expect(servicesEvents(xt.events)).toEqual([]);
    return xt;
  }

  /** A root call through sudo fails with `error` and changes nothing but the sudo key's nonce (sudo pays no fee). */
  sudoFailsCleanly(call: RuntimeCallValue, error: string): void {
    this.chain.submit(this.pairs.alice, Sudo.tx.sudo({ call }));
    const xt = ok(this.chain.newBlock().extrinsics[0]);
    const sudid = xt.events.find((e) => e.type === 'Sudo')?.value.value as { sudo_result: { success: false; value: never } };
    expect(sudid.sudo_result.success).toBe(false);
    expect(this.chain.chain.runtime.describeError(sudid.sudo_result.value)).toBe(error);
    expectOnlyFeeAndNonce(this.chain, this.ids.alice, xt.events);
  }

  /** Dave registers as an operator with `price_targets`. */
  registerDave(price_targets: Targets = LOW, approval: 'None' | 'Required' = 'None'): void {
    this.block([this.pairs.dave, tx.register({ preferences: prefs('Dave', price_targets, approval) })]);
  }

  /** Eve requests a service on `operators`; returns the block report. */
  request(operators: AccountId[], deposit = 10n * TOKEN, ttl_blocks = 10_000, resources = SMALL): BlockReport {
    return this.block([this.pairs.eve, tx.request({ operators, resources, ttl_blocks, deposit })]);
  }

  head(): number {
    return this.chain.head.number;
  }
}

export const planck = (dev: ServicesChain, microUsd: bigint) => dev.query(() => oracle.usdToPlanck(microUsd, 'down'));

