// The Services runtime API from the command line: services-quote and services-operator answer
// from the dev chain's head as the runtime API functions do.
import { jest } from '@jest/globals';
import { buildProgram } from './cli.ts';

async function run(...argv: string[]): Promise<string> {
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return log.mock.calls.map((call) => call.join(' ')).join('\n');
  } finally {
    log.mockRestore();
  }
}

const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';
const CHARLIE = '5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y';

describe('the Services runtime API on the command line', () => {
  it('services-quote prices resources at an operator, per hour and per block', async () => {
    // Bob: 2 x 30,000 + 4096 x 5 + 100 x 140 (SSD) = 94,480 micro-USD an hour.
    expect(JSON.parse(await run('services-quote', BOB, '--vcpu', '2', '--mem-mb', '4096', '--storage-gb', '100', '--json'))).toEqual({
      now: { per_hour: '94480', per_block: '157', per_block_remainder: '280' }, after_pending_change: null });
    expect(await run('services-quote', BOB, '--vcpu', '2', '--mem-mb', '4096', '--storage-gb', '100', '--storage-class', 'Hdd'))
      .toBe('now: 86480 micro-USD/h, 144 micro-USD/block (+1 in 80 of every 600 blocks)\nno pending price change');
  });

  it('services-operator shows preferences, pending change, services and requests', async () => {
    expect(JSON.parse(await run('services-operator', CHARLIE))).toEqual({
      preferences: {
        key: '0x0389411795514af1627765eceffcbd002719f031604fadd7d188e2dc585b4e1afb', approval: { type: 'Required' },
        price_targets: { cpu: '25000', mem: '4', storage_hdd: '50', storage_ssd: '120', storage_nvme: '180' },
      },
      pending_change: null, services: [], pending_requests: [],
    });
  });

  it('refuses an account that is not an operator and a storage class that does not exist', async () => {
    await expect(run('services-operator', '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY'))
      .rejects.toThrow('5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY is not a registered operator');
    await expect(run('services-quote', BOB, '--storage-class', 'Tape')).rejects.toThrow('--storage-class must be Hdd, Ssd or Nvme');
    await expect(run('services-quote', 'bob')).rejects.toThrow(/^<operator>: "bob" is not a valid address/);
  });
});
