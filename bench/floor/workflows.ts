// The orchestration floor (bench/floor.ts): the article workflow's shape with every DB and LLM step
// removed. Lanes of `wait` activities on a second task queue, `concurrency` at a time.
import { proxyActivities } from '@temporalio/workflow';

export interface FloorActivities {
  wait(ms: number): Promise<void>;
}

export async function floorWorkflow(n: number, concurrency: number, latencyMs: number, llmQueue: string): Promise<number> {
  const { wait } = proxyActivities<FloorActivities>({ taskQueue: llmQueue, startToCloseTimeout: '1 minute', allowEagerDispatch: false });
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < n) {
      next++;
      await wait(latencyMs);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return done;
}
