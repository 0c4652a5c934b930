/**
 * Runs `work` over `items` with at most `limit` in flight, in order of start. Every lane is awaited
 * before a failure (a cancellation) is passed on, so nothing is still writing when the task is finished.
 */
export async function forEachBounded<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  const lanes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (failed) throw failed.reason;
}
