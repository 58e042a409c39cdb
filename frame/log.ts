// Runtime logging (sp_io's logging host functions): pallets and the executive call `runtimeLog`,
// and the host decides whether a line goes anywhere. Off by default. It only ever hands a line to
// the host: nothing in the runtime reads the level back, so a block is the same with logging on
// or off (determinism). The level numbers are chopsticks' (dev_setRuntimeLogLevel): 0 off,
// 1 error, 2 warn, 3 info, 4 debug, 5 trace. Process-wide, like a Substrate node's log filter.

export const RUNTIME_LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type RuntimeLogLevel = Exclude<(typeof RUNTIME_LOG_LEVELS)[number], 'off'>;

/** Where the host sends runtime log lines it lets through. */
export type RuntimeLogSink = (level: RuntimeLogLevel, target: string, message: string) => void;

let maxLevel = 0;
let sink: RuntimeLogSink | undefined;

/** The host's setting: lines up to `level` (a chopsticks level number) go to `to`. */
export function setRuntimeLog(level: number, to: RuntimeLogSink | undefined): void {
  if (!Number.isInteger(level) || level < 0 || level >= RUNTIME_LOG_LEVELS.length) {
    throw new RangeError(`runtime log level: expected an integer from 0 (off) to ${RUNTIME_LOG_LEVELS.length - 1} (trace), got ${String(level)}`);
  }
  maxLevel = level;
  sink = to;
}

/** Logs `message()` at `level` under `target` (as `log::debug!(target: "runtime::x", ...)`); the message is only made when the line is wanted. */
export function runtimeLog(level: RuntimeLogLevel, target: string, message: () => string): void {
  if (sink && RUNTIME_LOG_LEVELS.indexOf(level) <= maxLevel) sink(level, target, message());
}
