// Progress of long CLI work (simulate, import-blocks, export-blocks, export-state --blocks,
// report, sweep, benchmark): a bar on a terminal, and on anything else (CI logs, pipes) a line
// every few seconds and one when the work ends. Both go to standard error, so standard output
// keeps only the verb's answer.
import { SingleBar } from 'cli-progress';

/** Seconds between progress lines off a terminal; SLICECHAIN_PROGRESS_SECONDS sets another (0: every step). */
const DEFAULT_INTERVAL_SECONDS = 5;

export interface Progress {
  /** `done` of the total are done; a note (what just finished) is shown beside the count. */
  update(done: number, note?: string): void;
  /** The work is complete: the bar is taken down, or a last line says how long it took. */
  finish(): void;
  /** The work ended either way (call it in a finally): the bar is taken down; after a failure no line joins the error. */
  stop(): void;
}

/**
 * A duration to a human, rounded to whole seconds (whole minutes from an hour up) before it is
 * split, so 59.6 s is `1m00s`, never `60s` or `0m60s`. Unknown (infinite, NaN, negative): `?`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const pad = (n: number) => String(n).padStart(2, '0');
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${pad(whole % 60)}s`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)}h${pad(minutes % 60)}m`;
}

export function progress(label: string, total: number, unit: string,
  { stream = process.stderr, intervalSeconds = intervalFromEnvironment() }: { stream?: NodeJS.WriteStream; intervalSeconds?: number } = {}): Progress {
  return stream.isTTY ? terminalBar(label, total, unit, stream) : progressLines(label, total, unit, stream, intervalSeconds);
}

function intervalFromEnvironment(): number {
  const text = process.env.SLICECHAIN_PROGRESS_SECONDS;
  const seconds = text === undefined ? NaN : Number(text);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : DEFAULT_INTERVAL_SECONDS;
}

function terminalBar(label: string, total: number, unit: string, stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar({
    stream, hideCursor: true, formatTime: (seconds: number) => formatDuration(seconds),
    format: `${label} [{bar}] {value}/{total} ${unit}{note} | {eta_formatted} left`,
  });
  bar.start(total, 0, { note: '' });
  return { update: (done, note) => bar.update(done, { note: note ? ` | ${note}` : '' }), finish: () => bar.stop(), stop: () => bar.stop() };
}

/** `simulate: 40/200 blocks (20%), 8s elapsed, about 32s left`, at most one per interval, and a last one. */
function progressLines(label: string, total: number, unit: string, stream: NodeJS.WriteStream, intervalSeconds: number): Progress {
  const started = performance.now();
  let lastLine = started;
  let done = 0;
  let stopped = false;
  const elapsed = () => (performance.now() - started) / 1000;
  return {
    update(now, note) {
      done = now;
      if (stopped) return;
      if (!note && (performance.now() - lastLine) / 1000 < intervalSeconds) return;
      lastLine = performance.now();
      const left = done > 0 ? (elapsed() / done) * (total - done) : NaN;
      const percent = total > 0 ? ` (${Math.floor((100 * done) / total)}%)` : '';
      stream.write(`${label}: ${done}/${total} ${unit}${percent}${note ? `, ${note}` : ''}, ${formatDuration(elapsed())} elapsed, about ${formatDuration(left)} left\n`);
    },
    finish() {
      if (stopped) return;
      stopped = true;
      stream.write(`${label}: ${done}/${total} ${unit} in ${formatDuration(elapsed())}\n`);
    },
    stop() {
      stopped = true;
    },
  };
}
