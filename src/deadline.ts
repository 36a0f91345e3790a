/**
 * Settling by a deadline whatever the work does. A public call that takes `timeoutMs` must
 * return by it even when the work under it cannot be interrupted (a read stuck in the kernel on
 * a hung filesystem, a peer that never answers): the work is raced against a timer and the
 * caller's signal, and its late result is dropped.
 */

/** How a raced call ended early. */
export type Expiry = 'timeout' | 'aborted';

/**
 * Resolves with `work`'s value, or with `onExpiry(…)`'s at `deadline` (`Date.now()` ms) or when
 * `signal` aborts, whichever is first. `work` should itself stop soon after (pass it the same
 * deadline and signal); a rejection of `work` is passed through.
 */
export function settleBy<T>(
  work: Promise<T>,
  deadline: number,
  onExpiry: (why: Expiry) => T,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const onAbort = () => finish(() => resolve(onExpiry('aborted')));
    const timer = setTimeout(
      () => finish(() => resolve(onExpiry('timeout'))),
      Math.max(0, deadline - Date.now()),
    );
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * {@link settleBy} for work that takes a signal: the work gets a signal that aborts when the
 * caller's does and once the call has settled (in time or not), so that work the caller no
 * longer waits for stops at its next check instead of running on (removing files, reading
 * directories) after the answer was given.
 */
export async function settleWorkBy<T>(
  work: (signal: AbortSignal) => Promise<T>,
  deadline: number,
  onExpiry: (why: Expiry) => T,
  signal?: AbortSignal,
): Promise<T> {
  const stop = new AbortController();
  const forward = () => stop.abort();
  if (signal?.aborted) stop.abort();
  else signal?.addEventListener('abort', forward, { once: true });
  try {
    return await settleBy(work(stop.signal), deadline, onExpiry, signal);
  } finally {
    signal?.removeEventListener('abort', forward);
    stop.abort();
  }
}
