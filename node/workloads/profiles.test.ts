// Workload profiles: every named profile plans calls whose outcomes are the ones it expects, the
// same seed and profile give the same blocks, profiles differ from each other, and a profile file
// is read over the profile it extends with every bad field refused by name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestChain } from '../harness.ts';
import { devPairs } from '../keys.ts';
import { simulate } from '../simulate.ts';
import { DEFAULT_PROFILE, PROFILES, loadProfile, parseProfile, profileWorkloads, type Profile } from './profiles.ts';

const run = (profile: Profile, seed: number, blocks = 12) =>
  simulate(new TestChain('dev').chain, { blocks, seed, workloads: profileWorkloads(profile), accounts: devPairs() });

describe('workload profiles', () => {
  it('names balanced (the default), scarce-capacity, price-war and outages; each runs as its planners expect', () => {
    expect(Object.keys(PROFILES)).toEqual(['balanced', 'scarce-capacity', 'price-war', 'outages']);
    expect(loadProfile('balanced')).toBe(DEFAULT_PROFILE);
    const heads = new Set<string>();
    for (const profile of Object.values(PROFILES)) {
      const report = run(profile, 5);
      expect({ profile: profile.name, unexpected: report.unexpected }).toEqual({ profile: profile.name, unexpected: [] });
      expect(report.extrinsics.ok).toBeGreaterThan(0);
      heads.add(report.head);
    }
    expect(heads.size).toBe(4);
  });

  it('gives the same blocks for the same seed and profile', () => {
    expect(run(PROFILES['price-war'], 9, 6).head).toBe(run(PROFILES['price-war'], 9, 6).head);
  });

  it('reads a profile file over the profile it extends, refusing bad fields by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slicechain-profile-'));
    try {
      const file = join(dir, 'mine.json');
      writeFileSync(file, JSON.stringify({ extends: 'outages', marketplace: { scenariosPerBlock: 3, mix: { registerNode: 4 } }, services: { raiseShare: 0.1 } }));
      const mine = loadProfile(file);
      expect(mine.marketplace).toEqual({ ...PROFILES.outages.marketplace, scenariosPerBlock: 3, mix: { ...PROFILES.outages.marketplace.mix, registerNode: 4 } });
      expect(mine.services).toEqual({ ...PROFILES.outages.services, raiseShare: 0.1 });
      expect(run(mine, 2, 4).unexpected).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => parseProfile({ marketplace: { mix: { rentEverything: 1 } } }, 'x')).toThrow('profile marketplace.mix.rentEverything: unknown field');
    expect(() => parseProfile({ marketplace: { mix: { rentSlice: 1.5 } } }, 'x')).toThrow('profile marketplace.mix.rentSlice: expected a whole number');
    expect(() => parseProfile({ services: { decreaseShare: 0.7, raiseShare: 0.5 } }, 'x')).toThrow('decreaseShare + raiseShare must not exceed 1');
    expect(() => parseProfile({ extends: 'chaos' }, 'x')).toThrow('profile extends: expected one of balanced, scarce-capacity, price-war, outages');
    expect(() => parseProfile({ demand: 2 }, 'x')).toThrow('profile (root).demand: unknown field');
    expect(() => loadProfile('/no/such/profile.json')).toThrow('neither a profile');
  });
});
