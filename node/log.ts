// The node's log lines, as a Substrate node writes them: `2026-01-01 12:00:00 ✨ Imported #12 …`
// at info, the level and target shown below it, filtered by `-l/--log target=level,…` (a bare
// level sets the default, info when absent; a target covers its `target::sub` targets too).
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  enabled(level: LogLevel, target: string): boolean;
  /** The level -l set for exactly `target`, if it did. */
  configured(target: string): LogLevel | undefined;
  log(level: LogLevel, target: string, message: string): void;
}

/** Parses `-l` values (each `target=level` or `level`, comma-separated); a bad one is an Error naming it. */
export function parseLogFilter(specs: readonly string[]): { fallback: LogLevel; targets: Map<string, LogLevel> } {
  const targets = new Map<string, LogLevel>();
  let fallback: LogLevel = 'info';
  for (const part of specs.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)) {
    const [target, level] = part.includes('=') ? part.split('=', 2) : [undefined, part];
    const lower = level.toLowerCase() as LogLevel;
    if (!LOG_LEVELS.includes(lower)) throw new Error(`--log: "${part}": expected target=level or level, the level one of ${LOG_LEVELS.join(', ')}`);
    if (target === undefined) fallback = lower;
    else targets.set(target, lower);
  }
  return { fallback, targets };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const timestamp = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;

/** A logger writing to `write` (standard error by default, as Substrate's) what the filter lets through. */
export function consoleLogger(specs: readonly string[], write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const { fallback, targets } = parseLogFilter(specs);
  const levelOf = (target: string): LogLevel => {
    // The most specific configured target that `target` is, or is under.
    for (let t = target; ; t = t.slice(0, t.lastIndexOf('::'))) {
      const level = targets.get(t);
      if (level) return level;
      if (!t.includes('::')) return fallback;
    }
  };
  const enabled = (level: LogLevel, target: string) => LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(levelOf(target));
  return {
    enabled,
    configured: (target) => targets.get(target),
    log(level, target, message) {
      if (!enabled(level, target)) return;
      const when = timestamp(new Date());
      write(level === 'info' ? `${when} ${message}` : `${when} ${level.toUpperCase()} ${target}: ${message}`);
    },
  };
}
