// One sweep thread: takes a sweep's setup, then checks combinations and does runs, one at a time,
// answering each. Everything a run needs is built here, so the thread is the run's only core.
import { parentPort } from 'node:worker_threads';
import { initCrypto } from '../../primitives/crypto.ts';
import { SweepRunner, combinationProblem, type SweepAnswer, type SweepTask } from './sweep.ts';

const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs inside a sweep worker thread');

await initCrypto();
let runner: SweepRunner | undefined;
port.on('message', (task: SweepTask) => {
  if (task.kind === 'setup') {
    runner = new SweepRunner(task.setup);
    return;
  }
  if (!runner) throw new Error('a sweep task came before its setup');
  const sweep = runner;
  let answer: SweepAnswer;
  if (task.kind === 'check') {
    answer = { kind: 'checked', problem: combinationProblem(() => sweep.prepare(task.combination), task.combination) };
  } else {
    try {
      answer = { kind: 'ran', index: task.index, result: sweep.run(task.combination, task.seed) };
    } catch (error) {
      answer = { kind: 'failed', index: task.index, error: (error as Error).message };
    }
  }
  port.postMessage(answer);
});
