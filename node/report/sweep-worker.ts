// One sweep thread: runs the simulations it is sent, one at a time, and answers each run's result.
import { parentPort, workerData } from 'node:worker_threads';
import { initCrypto } from '../../primitives/crypto.ts';
import { runOne, type SweepAnswer, type SweepTask, type SweepWorkerSetup } from './sweep.ts';

const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs inside a sweep worker thread');
const { spec, profile, blocks } = workerData as SweepWorkerSetup;

await initCrypto();
port.on('message', ({ index, combination, seed }: SweepTask) => {
  let answer: SweepAnswer;
  try {
    answer = { index, result: runOne(spec, profile, blocks, combination, seed) };
  } catch (error) {
    answer = { index, error: (error as Error).message };
  }
  port.postMessage(answer);
});
