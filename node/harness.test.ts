// The harness's dev accounts sign deterministically, so a test's blocks can be exported and
// replayed byte for byte: the same scenario run twice writes the same bytes and block hashes.
import { u8aToHex } from '@polkadot/util';
import { Balances, Services, System } from '../runtime/runtime.ts';
import { TestChain } from './harness.ts';
import { accountOf } from './signer.ts';

/** A few blocks of signed calls from several dev accounts: transfers, a remark, a service request. */
function scenario(): TestChain {
  const chain = new TestChain('dev');
  const { alice, bob, eve, ferdie } = chain.accounts;
  chain.submit(alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(ferdie) }, value: 10n ** 12n }));
  chain.submit(bob, System.tx.remark_with_event({ remark: new TextEncoder().encode('same bytes every run') }));
  chain.newBlock();
  chain.submit(eve, Services.tx.request({
    operators: [accountOf(bob)], resources: { vcpu: 1, mem_mb: 1024, storage_gb: 10, storage_class: { type: 'Ssd' } },
    ttl_blocks: 100, deposit: 10n ** 12n,
  }));
  chain.submit(alice, Balances.tx.transfer_keep_alive({ dest: { type: 'Id', value: accountOf(eve) }, value: 5n }));
  chain.newBlock();
  chain.runTo(4);
  return chain;
}

describe('TestChain accounts', () => {
  it('the same test run twice writes byte-identical blocks with the same hashes', () => {
    const [first, second] = [scenario(), scenario()];
    const encoded = (chain: TestChain) => chain.blocks().map((block) => u8aToHex(chain.chain.runtime.Block.enc(block)));
    expect(first.blocks().flatMap((b) => b.extrinsics)).toHaveLength(8); // 4 timestamps and 4 signed calls
    expect(encoded(second)).toEqual(encoded(first));
    expect([1, 2, 3, 4].map((n) => second.chain.hashAt(n))).toEqual([1, 2, 3, 4].map((n) => first.chain.hashAt(n)));
  });
});
