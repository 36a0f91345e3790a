/**
 * `Symbol.asyncDispose` for `await using`. Node defines it from 20.4 (and 18.18); on an older
 * Node 20 it is created the way Node itself names it (`Symbol.for('nodejs.asyncDispose')`), so
 * that TypeScript's `await using` helper and the library's classes agree on one symbol.
 */
const symbols = Symbol as { asyncDispose?: symbol; dispose?: symbol };
symbols.asyncDispose ??= Symbol.for('nodejs.asyncDispose');
symbols.dispose ??= Symbol.for('nodejs.dispose');

/** `Symbol.asyncDispose` (native, or the polyfill above). */
export const asyncDispose: typeof Symbol.asyncDispose = Symbol.asyncDispose;
/** `Symbol.dispose` (native, or the polyfill above). */
export const dispose: typeof Symbol.dispose = Symbol.dispose;
