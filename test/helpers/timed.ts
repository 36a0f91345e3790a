/** Awaits `promise` and says how long it took (milliseconds), for settle-by-deadline checks. */
export async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - started };
}
