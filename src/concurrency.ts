/** Bounded concurrency for fan-outs (zones, servers, secondaries). */

/**
 * Runs `work` on every item, at most `limit` at a time, and resolves with the results in the
 * items' order. A rejection of `work` rejects the whole call: callers that must go on settle
 * their own work (Result values, or a catch).
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
