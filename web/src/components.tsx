// Small building blocks shared by the pages: a transaction's progress, a modal dialog, labelled fields,
// amounts, and the hook that signs and submits a call while its progress is shown.
import { cloneElement, type ComponentChildren, type VNode } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { submit, type TxProgress } from './chain.ts';
import { formatToken, formatUsd } from './format.ts';
import { useApp } from './state.ts';

export function TxStatus({ progress }: { progress: TxProgress | undefined }) {
  if (!progress) return null;
  switch (progress.step) {
    case 'signing': return <p role="status" class="tx">Signing…</p>;
    case 'ready': return <p role="status" class="tx">Ready: in the transaction pool</p>;
    case 'refused': return <p role="alert" class="tx error">Refused: {progress.error}</p>;
    default: {
      const where = progress.step === 'inBlock' ? `In block #${progress.block}` : `Finalized in block #${progress.block}`;
      if (!progress.ok) return <p role="alert" class="tx error">Failed ({where}): <strong>{progress.error}</strong></p>;
      return <p role="status" class={`tx ${progress.step === 'finalized' ? 'ok' : ''}`}>{where}</p>;
    }
  }
}

type Tx = Parameters<typeof submit>[1];

/** Signs and submits with the selected account; `progress` drives <TxStatus>. */
export function useTx(): { progress: TxProgress | undefined; busy: boolean; send(tx: Tx): Promise<TxProgress>; reset(): void } {
  const { conn, account, block } = useApp();
  const [progress, setProgress] = useState<TxProgress>();
  const busy = progress !== undefined && ['signing', 'ready', 'inBlock'].includes(progress.step);
  return {
    progress, busy, reset: () => setProgress(undefined),
    send: (tx) => submit(conn, tx, account.signer, block.hash, setProgress),
  };
}

export function Dialog({ title, onClose, children }: { title: string; onClose(): void; children: ComponentChildren }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    dialog?.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <header class="dialog-head">
        <h2>{title}</h2>
        <button type="button" class="ghost" onClick={onClose}>Close</button>
      </header>
      {children}
    </dialog>
  );
}

/** A label tied to its one control by id (a wrapping label would take a select's options into its name). */
export function Field({ label, children, hint }: { label: string; children: VNode; hint?: string }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {cloneElement(children, { id })}
      {hint && <small>{hint}</small>}
    </div>
  );
}

export const Tokens = ({ planck }: { planck: bigint }) => <span class="num">{formatToken(planck, useApp().conn.token)}</span>;
export const Usd = ({ micro }: { micro: bigint }) => <span class="num">{formatUsd(micro)}</span>;

export function Loading({ what }: { what: string }) {
  return <p role="status" class="muted">Loading {what}…</p>;
}

export function ErrorNote({ error }: { error: string | undefined }) {
  return error ? <p role="alert" class="error">Could not read the chain: {error}</p> : null;
}
