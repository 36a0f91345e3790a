/**
 * The allocation guard: while installed, asking Buffer.alloc / allocUnsafe / allocUnsafeSlow for
 * more than `limit` bytes throws an AllocationGuardError (a parser must never size a buffer from
 * a hostile length). Used by the fuzz workers and the regression replay.
 */

/** Thrown by the guard: the code under test asked for an absurd buffer. */
export class AllocationGuardError extends Error {
  override name = 'AllocationGuardError';
}

const METHODS = ['alloc', 'allocUnsafe', 'allocUnsafeSlow'] as const;

/** Installs the guard; returns a function that removes it. */
export function installAllocationGuard(limit: number): () => void {
  const table = Buffer as unknown as Record<string, unknown>;
  const originals = METHODS.map((name) => [name, table[name]] as const);
  for (const [name, original] of originals) {
    const call = original as (size: number, ...rest: unknown[]) => Buffer;
    table[name] = function guarded(size: number, ...rest: unknown[]) {
      if (typeof size === 'number' && size > limit) {
        throw new AllocationGuardError(
          `Buffer.${name}(${size}) exceeds the fuzz limit of ${limit} bytes`,
        );
      }
      return call.call(Buffer, size, ...rest);
    };
  }
  return () => {
    for (const [name, original] of originals) table[name] = original;
  };
}
