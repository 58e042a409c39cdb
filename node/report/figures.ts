// The figures of a simulation report, read from what the runtime itself recorded: each block's
// System.Events (decoded with the runtime's event codec) and the storage at that block (nodes,
// operators, block weight, the Services quote API). Nothing is counted on the side, so a report
// of an authored chain and one of its block file re-executed say the same. Amounts in planck are
// decimal strings (u128 does not fit a JSON number); prices are micro-USD per hour.
import { u8aToString } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import type { AccountId } from '../../primitives/types.ts';
import { BlockWeight } from '../../frame/system/index.ts';
import { quote } from '../../pallets/services/runtime-api.ts';
import { Operators } from '../../pallets/services/storage.ts';
import type { PriceTargets, Resources } from '../../pallets/services/types.ts';
import { rentedSlices, slicesIn } from '../../pallets/slice-marketplace/billing.ts';
import { Nodes } from '../../pallets/slice-marketplace/storage.ts';
import type { BuiltBlock } from '../../frame/block.ts';
import { LIMITS, SS58_PREFIX } from '../../runtime/runtime.ts';
import type { Chain } from '../chain.ts';
import { DEV_ACCOUNTS, deterministicPair } from '../keys.ts';
import { accountOf } from '../signer.ts';

/** The workload whose quote the report follows: 2 vCPU, 4 GB, 100 GB SSD. */
export const QUOTED_RESOURCES: Resources = { vcpu: 2, mem_mb: 4096, storage_gb: 100, storage_class: { type: 'Ssd' } };
/** Counts per block are summed over about this many windows. */
const WINDOWS = 40;

export interface ReportMeta {
  chain: string;
  genesis: string;
  /** The seed and profile of a simulation; null for a report of a block file. */
  seed: number | null;
  profile: string | null;
  firstBlock: number;
  blocks: number;
  head: string;
  headNumber: number;
  /** Blocks per window of the windowed counts. */
  window: number;
  quotedResources: Resources;
  blockWeightLimitMs: number;
}

export interface Figures {
  meta: ReportMeta;
  marketplace: {
    slices: { block: number; total: number; rented: number; free: number }[];
    utilisationByCountry: Utilisation[];
    utilisationByCertification: Utilisation[];
    rentals: { window: number; started: number; cancelled: number; expired: number }[];
    refusedRentals: { error: string; count: number }[];
    /** The slice price of every node at the head. */
    slicePrices: { node: number; price: number }[];
    slicePriceOverTime: { block: number; min: number; p10: number; median: number; p90: number; max: number }[];
    farmerIncome: { farmer: string; earned: string; collected: string }[];
    renterSpend: { renter: string; rentals: number; spent: string }[];
  };
  services: {
    /** Each operator's price targets at each block. */
    priceTargets: ({ block: number; operator: string } & Record<keyof PriceTargets, number>)[];
    priceIncreases: { operator: string; scheduledAt: number; effectiveAt: number; cpu: number; outcome: 'pending' | 'applied' | 'replaced' | 'dropped'; endedAt: number | null }[];
    services: { window: number; started: number; byOwner: number; expired: number; outOfFunds: number }[];
    operatorIncome: { operator: string; income: string }[];
    /** What QUOTED_RESOURCES cost per hour at each operator, at each block. */
    quotes: { block: number; operator: string; perHour: number }[];
  };
  chain: {
    calls: { window: number; call: string; count: number }[];
    /** Signed extrinsics per block; refused is null when unknown (a block file records only what was included). */
    outcomes: { block: number; ok: number; failed: number; refused: number | null }[];
    weight: { block: number; usedMs: number }[];
    fees: { block: number; fees: string }[];
  };
}

export interface Utilisation { group: string; total: number; rented: number; utilisation: number }

interface BlockFigures {
  block: number;
  calls: Map<string, number>;
  ok: number;
  failed: number;
  refused: number | null;
  started: number;
  cancelled: number;
  expired: number;
  servicesStarted: number;
  terminated: Record<'ByOwner' | 'Expired' | 'OutOfFunds', number>;
}

interface Event { type: string; value: { type: string; value?: unknown } }
type Fields = Record<string, unknown>;

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
const add = <K>(map: Map<K, bigint>, key: K, amount: bigint) => map.set(key, (map.get(key) ?? 0n) + amount);

/** Readable names for the dev accounts; other accounts go by their SS58 address. */
function accountLabels(): (who: AccountId) => string {
  const names = new Map<string, string>(DEV_ACCOUNTS.map((name) => [accountOf(deterministicPair(`//${name}`)), name]));
  return (who) => names.get(who) ?? encodeAddress(who, SS58_PREFIX);
}

/** Collects the figures block by block: attach it to a chain before the blocks arrive. */
export class FigureCollector {
  private readonly label = accountLabels();
  private readonly blocks: BlockFigures[] = [];
  private readonly slices: Figures['marketplace']['slices'] = [];
  private readonly priceOverTime: Figures['marketplace']['slicePriceOverTime'] = [];
  private readonly refusedRentals = new Map<string, number>();
  private readonly rentals = new Map<bigint, { renter: AccountId; farmer: AccountId }>();
  private readonly earned = new Map<AccountId, bigint>();
  private readonly collected = new Map<AccountId, bigint>();
  private readonly spent = new Map<AccountId, { rentals: number; spent: bigint }>();
  private readonly operatorIncome = new Map<AccountId, bigint>();
  private readonly priceTargets: Figures['services']['priceTargets'] = [];
  private readonly priceIncreases: (Figures['services']['priceIncreases'][number] & { who: AccountId })[] = [];
  private readonly quotes: Figures['services']['quotes'] = [];
  private readonly weight: Figures['chain']['weight'] = [];
  private readonly fees: Figures['chain']['fees'] = [];

  constructor(private readonly chain: Chain) {
    chain.listeners.push((built) => this.observe(built));
  }

  /** What the block author refused for the head block (a simulation knows it, a block file does not). */
  noteRefused(block: number, refused: number): void {
    const figures = this.blocks.at(-1);
    if (figures?.block === block) figures.refused = refused;
  }

  private observe(built: BuiltBlock): void {
    const { runtime } = this.chain;
    const block = built.block.header.number;
    const calls = built.block.extrinsics.map((xt) => runtime.extrinsic.dec(xt));
    const figures: BlockFigures = {
      block, calls: new Map(), ok: 0, failed: 0, refused: null, started: 0, cancelled: 0, expired: 0, servicesStarted: 0,
      terminated: { ByOwner: 0, Expired: 0, OutOfFunds: 0 },
    };
    let fees = 0n;
    this.chain.read(() => {
      for (const { phase, event } of runtime.events()) {
        const at = phase.type === 'ApplyExtrinsic' ? (phase.value as number) : undefined;
        const call = at === undefined ? undefined : calls[at];
        const signed = call?.signature !== undefined;
        const e = event as Event;
        const name = `${e.type}.${e.value.type}`;
        const v = (e.value.value ?? {}) as Fields;
        if (name === 'System.ExtrinsicSuccess' || name === 'System.ExtrinsicFailed') {
          if (!signed || !call) continue;
          const callName = `${call.call.type}.${call.call.value.type}`;
          figures.calls.set(callName, (figures.calls.get(callName) ?? 0) + 1);
          if (name === 'System.ExtrinsicSuccess') figures.ok++;
          else {
            figures.failed++;
            if (call.call.type === 'SliceMarketplace' && call.call.value.type.startsWith('rent_slice')) {
              const error = runtime.describeError(v.dispatch_error as Parameters<typeof runtime.describeError>[0]);
              this.refusedRentals.set(error, (this.refusedRentals.get(error) ?? 0) + 1);
            }
          }
        } else if (name === 'TransactionPayment.TransactionFeePaid') fees += v.actual_fee as bigint;
        else this.marketplaceOrServicesEvent(name, v, figures, block);
      }
      this.readState(block);
    });
    this.fees.push({ block, fees: fees.toString() });
    this.blocks.push(figures);
  }

  private marketplaceOrServicesEvent(name: string, v: Fields, figures: BlockFigures, block: number): void {
    switch (name) {
      case 'SliceMarketplace.SlicesRented': {
        figures.started++;
        const renter = v.renter as AccountId;
        const farmer = Nodes.get(v.node as number)?.farmer as AccountId;
        this.rentals.set(v.rental as bigint, { renter, farmer });
        const spend = this.spent.get(renter) ?? { rentals: 0, spent: 0n };
        this.spent.set(renter, { rentals: spend.rentals + 1, spent: spend.spent + (v.cost as bigint) });
        break;
      }
      case 'SliceMarketplace.RentalCancelled':
      case 'SliceMarketplace.RentalExpired': {
        if (name.endsWith('Cancelled')) figures.cancelled++;
        else figures.expired++;
        const rental = this.rentals.get(v.rental as bigint);
        if (!rental) break; // rented before the first block reported
        add(this.earned, rental.farmer, v.paid as bigint);
        const spend = this.spent.get(rental.renter) as { rentals: number; spent: bigint };
        spend.spent -= v.refunded as bigint;
        break;
      }
      case 'SliceMarketplace.IncomeCollected':
        add(this.collected, v.farmer as AccountId, v.amount as bigint);
        break;
      case 'Services.ServiceInitiated':
        figures.servicesStarted++;
        break;
      case 'Services.ServiceTerminated':
        figures.terminated[(v.reason as { type: keyof BlockFigures['terminated'] }).type]++;
        break;
      case 'Services.ServiceSettled':
        for (const [operator, amount] of v.payments as [AccountId, bigint][]) add(this.operatorIncome, operator, amount);
        break;
      case 'Services.PriceChangeScheduled': {
        const who = v.operator as AccountId;
        const cpu = Number((v.price_targets as PriceTargets).cpu);
        this.priceIncreases.push({ who, operator: this.label(who), scheduledAt: block, effectiveAt: v.effective_at as number, cpu, outcome: 'pending', endedAt: null });
        break;
      }
      case 'Services.PendingPriceChangeReplaced':
        this.endIncrease(v.operator as AccountId, 'replaced', block);
        break;
      case 'Services.PriceChangeApplied':
        this.endIncrease(v.operator as AccountId, 'applied', block);
        break;
      case 'Services.OperatorUnregistered':
        this.endIncrease(v.operator as AccountId, 'dropped', block);
        break;
    }
  }

  /** Ends the operator's pending increase (an operator has at most one). */
  private endIncrease(who: AccountId, outcome: 'applied' | 'replaced' | 'dropped', block: number): void {
    const open = this.priceIncreases.find((change) => change.who === who && change.outcome === 'pending');
    if (!open) return;
    open.outcome = outcome;
    open.endedAt = block;
  }

  private readState(block: number): void {
    let total = 0;
    let rented = 0;
    const prices: number[] = [];
    for (const [, node] of Nodes.entries()) {
      total += slicesIn(node.capacity);
      rented += rentedSlices(node);
      prices.push(Number(node.slice_price_per_hour));
    }
    this.slices.push({ block, total, rented, free: total - rented });
    prices.sort((a, b) => a - b);
    this.priceOverTime.push({ block, min: prices[0] ?? 0, p10: percentile(prices, 0.1), median: percentile(prices, 0.5), p90: percentile(prices, 0.9), max: prices.at(-1) ?? 0 });
    for (const [[who], prefs] of Operators.entries()) {
      const t = prefs.price_targets;
      const operator = this.label(who);
      this.priceTargets.push({ block, operator, cpu: Number(t.cpu), mem: Number(t.mem), storage_hdd: Number(t.storage_hdd), storage_ssd: Number(t.storage_ssd), storage_nvme: Number(t.storage_nvme) });
      const answer = quote(who, QUOTED_RESOURCES);
      if (answer) this.quotes.push({ block, operator, perHour: Number(answer.now.per_hour) });
    }
    const used = BlockWeight.get();
    const refTime = used.normal.ref_time + used.operational.ref_time + used.mandatory.ref_time;
    this.weight.push({ block, usedMs: Number(refTime) / 1e9 });
  }

  /** The figures so far; `meta` names the run. */
  figures(meta: { seed: number | null; profile: string | null }): Figures {
    const first = this.blocks[0]?.block ?? this.chain.head.number;
    const window = Math.max(1, Math.ceil(this.blocks.length / WINDOWS));
    const windowOf = (block: number) => first + Math.floor((block - first) / window) * window;
    const windows = <T extends { window: number }>(make: (window: number) => T, fill: (row: T, b: BlockFigures) => void): T[] => {
      const rows = new Map<number, T>();
      for (const b of this.blocks) {
        const w = windowOf(b.block);
        if (!rows.has(w)) rows.set(w, make(w));
        fill(rows.get(w) as T, b);
      }
      return [...rows.values()];
    };
    const calls = new Map<string, { window: number; call: string; count: number }>();
    for (const b of this.blocks) {
      for (const [call, count] of b.calls) {
        const key = `${windowOf(b.block)} ${call}`;
        const row = calls.get(key) ?? { window: windowOf(b.block), call, count: 0 };
        row.count += count;
        calls.set(key, row);
      }
    }
    const nodes = this.chain.read(() => [...Nodes.entries()].map(([, node]) => node));
    const utilisation = (groupOf: (node: (typeof nodes)[number]) => string): Utilisation[] => {
      const groups = new Map<string, Utilisation>();
      for (const node of nodes) {
        const group = groupOf(node);
        const row = groups.get(group) ?? { group, total: 0, rented: 0, utilisation: 0 };
        row.total += slicesIn(node.capacity);
        row.rented += rentedSlices(node);
        groups.set(group, row);
      }
      return [...groups.values()].map((row) => ({ ...row, utilisation: row.total ? row.rented / row.total : 0 })).sort((a, b) => b.total - a.total);
    };
    const farmers = new Set([...this.earned.keys(), ...this.collected.keys()]);
    const byAmount = <T>(rows: T[], amount: (row: T) => bigint) => rows.sort((a, b) => (amount(b) > amount(a) ? 1 : amount(b) < amount(a) ? -1 : 0));
    return {
      meta: {
        chain: this.chain.spec.name,
        genesis: this.chain.genesisHash,
        seed: meta.seed,
        profile: meta.profile,
        firstBlock: first,
        blocks: this.blocks.length,
        head: this.chain.head.hash,
        headNumber: this.chain.head.number,
        window,
        quotedResources: QUOTED_RESOURCES,
        blockWeightLimitMs: Number(LIMITS.blockWeights.max_block.ref_time) / 1e9,
      },
      marketplace: {
        slices: this.slices,
        utilisationByCountry: utilisation((node) => u8aToString(node.location.country)),
        utilisationByCertification: utilisation((node) => node.certification.type),
        rentals: windows((w) => ({ window: w, started: 0, cancelled: 0, expired: 0 }), (row, b) => {
          row.started += b.started;
          row.cancelled += b.cancelled;
          row.expired += b.expired;
        }),
        refusedRentals: [...this.refusedRentals].map(([error, count]) => ({ error, count })).sort((a, b) => b.count - a.count),
        slicePrices: nodes.map((node) => ({ node: node.id, price: Number(node.slice_price_per_hour) })),
        slicePriceOverTime: this.priceOverTime,
        farmerIncome: byAmount([...farmers].map((who) => ({ who, earned: this.earned.get(who) ?? 0n, collected: this.collected.get(who) ?? 0n })), (row) => row.earned)
          .map(({ who, earned, collected }) => ({ farmer: this.label(who), earned: earned.toString(), collected: collected.toString() })),
        renterSpend: byAmount([...this.spent].map(([who, s]) => ({ who, ...s })), (row) => row.spent)
          .map(({ who, rentals, spent }) => ({ renter: this.label(who), rentals, spent: spent.toString() })),
      },
      services: {
        priceTargets: this.priceTargets,
        priceIncreases: this.priceIncreases.map(({ who: _, ...change }) => change),
        services: windows((w) => ({ window: w, started: 0, byOwner: 0, expired: 0, outOfFunds: 0 }), (row, b) => {
          row.started += b.servicesStarted;
          row.byOwner += b.terminated.ByOwner;
          row.expired += b.terminated.Expired;
          row.outOfFunds += b.terminated.OutOfFunds;
        }),
        operatorIncome: byAmount([...this.operatorIncome].map(([who, income]) => ({ who, income })), (row) => row.income)
          .map(({ who, income }) => ({ operator: this.label(who), income: income.toString() })),
        quotes: this.quotes,
      },
      chain: {
        calls: [...calls.values()],
        outcomes: this.blocks.map(({ block, ok, failed, refused }) => ({ block, ok, failed, refused })),
        weight: this.weight,
        fees: this.fees,
      },
    };
  }
}
