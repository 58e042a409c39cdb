// The base workload: transfers among the dev accounts and to new accounts, transfers that fail for
// want of funds, remarks, the Oracle price moved through sudo (and a non-key trying), and
// transactions the runtime must refuse (a stale nonce, a signer with nothing to pay the fee).
import { Account } from '../../frame/system/index.ts';
import { Balances, Oracle, Sudo, System } from '../../runtime/runtime.ts';
import { deterministicPair } from '../keys.ts';
import { accountOf, type SigningPair } from '../signer.ts';
import type { PlannedCall, Workload, WorkloadContext } from './types.ts';
import { TOKEN } from '../../frame/units.ts';

/** New accounts the workload funds and later spends from: //User//0 .. //User//(USERS-1). */
const USERS = 24;
const users = Array.from({ length: USERS }, (_, i) => deterministicPair(`//User//${i}`));
/** Never funded: whatever it signs is refused for want of a fee. */
const nobody = deterministicPair('//Nobody');
const id = (pair: SigningPair) => ({ type: 'Id' as const, value: accountOf(pair) });

export const balancesWorkload: Workload = {
  name: 'balances',
  plan(ctx: WorkloadContext): PlannedCall[] {
    const { rng, accounts, chain } = ctx;
    const free = (pair: SigningPair) => chain.read(() => Account.get(accountOf(pair)).data.free);
    const nonce = (pair: SigningPair) => chain.read(() => Account.get(accountOf(pair)).nonce);
    const funded = users.filter((u) => free(u) >= 2n * TOKEN);
    const plans: PlannedCall[] = [];
    const transfers = 4 + rng.int(8);
    for (let i = 0; i < transfers; i++) {
      const from = rng.pick(accounts);
      const to = rng.next() < 0.4 ? rng.pick(users) : rng.pick(accounts);
      plans.push({ signer: from, call: Balances.tx.transfer_keep_alive({ dest: id(to), value: BigInt(1 + rng.int(50)) * TOKEN }), expect: 'ok' });
    }
    // Users spend a little of what they were sent, keeping well above the existential deposit.
    for (const user of funded.slice(0, 3)) {
      plans.push({ signer: user, call: Balances.tx.transfer_allow_death({ dest: id(rng.pick(accounts)), value: TOKEN / 10n }), expect: 'ok' });
    }
    if (rng.next() < 0.5) {
      const poor = rng.pick(accounts);
      plans.push({ signer: poor, call: Balances.tx.transfer_keep_alive({ dest: id(rng.pick(users)), value: 10n ** 9n * TOKEN }), expect: 'fail' });
    }
    if (rng.next() < 0.5) {
      plans.push({ signer: rng.pick(accounts), call: System.tx.remark_with_event({ remark: new TextEncoder().encode(`block ${ctx.block}`) }), expect: 'ok' });
    }
    if (rng.next() < 0.2) {
      const price = BigInt(1_000_000 + rng.int(4_000_000));
      plans.push({ signer: accounts[0], call: Sudo.tx.sudo({ call: Oracle.tx.set_price({ price }) }), expect: 'ok' });
      plans.push({ signer: accounts[1 + rng.int(accounts.length - 1)], call: Sudo.tx.sudo({ call: Oracle.tx.set_price({ price }) }), expect: 'fail' });
    }
    if (rng.next() < 0.4) {
      const stale = rng.pick(accounts);
      if (nonce(stale) > 0) plans.push({ signer: stale, call: System.tx.remark({ remark: new Uint8Array([1]) }), expect: 'refused', nonce: nonce(stale) - 1 });
    }
    if (rng.next() < 0.3) plans.push({ signer: nobody, call: System.tx.remark({ remark: new Uint8Array([2]) }), expect: 'refused' });
    return plans;
  },
};
