// Who signs: the well-known dev accounts (Alice … Ferdie, signing in the page as polkadot.js apps
// does on a dev chain) and the accounts of browser wallets through the injected-extension standard.
import type { PolkadotSigner } from 'polkadot-api';
import { getPolkadotSigner } from 'polkadot-api/signer';
import { connectInjectedExtension, getInjectedExtensions } from 'polkadot-api/pjs-signer';
import { sr25519CreateDerive } from '@polkadot-labs/hdkd';
import { DEV_MINI_SECRET, ss58Address } from '@polkadot-labs/hdkd-helpers';

export interface Account {
  name: string;
  address: string;
  /** Where it comes from: 'dev' or the extension's name. */
  source: string;
  signer: PolkadotSigner;
}

export const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'] as const;

export function devAccounts(ss58Format: number): Account[] {
  const derive = sr25519CreateDerive(DEV_MINI_SECRET);
  return DEV_NAMES.map((name) => {
    const pair = derive(`//${name}`);
    return { name, address: ss58Address(pair.publicKey, ss58Format), source: 'dev', signer: getPolkadotSigner(pair.publicKey, 'Sr25519', pair.sign) };
  });
}

/** The names of the wallets that injected themselves into the page. */
export const walletNames = (): string[] => getInjectedExtensions();

/** Asks wallet `name` for its accounts (it asks its user first). */
export async function walletAccounts(name: string): Promise<Account[]> {
  const extension = await connectInjectedExtension(name);
  return extension.getAccounts().map((account) => ({
    name: account.name ?? account.address.slice(0, 8), address: account.address, source: name, signer: account.polkadotSigner,
  }));
}
