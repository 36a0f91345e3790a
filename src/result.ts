/**
 * The `Result` values this library returns: ts-results-es's `Ok` and `Err`, made by subclasses
 * that print readably under `util.inspect`, `console.log` and the REPL — `Ok({ … })` with the
 * value, `Err(RndcError [timeout]: …)` with the error's readable form — instead of the
 * implementation classes and the `_stack` text ts-results-es keeps for `unwrap()`. They are
 * `OkImpl`/`ErrImpl` instances, so every ts-results-es method and type works on them. Nothing of
 * ts-results-es is patched: results made by ts-results-es itself (`Result.all`, `andThen` on its
 * own values…) print as before; `map` and `mapErr` on ours keep our classes.
 */
import { type InspectOptionsStylized, inspect } from 'node:util';
import {
  ErrImpl,
  type Err as ErrType,
  OkImpl,
  type Ok as OkType,
  type Result as ResultType,
} from 'ts-results-es';

/** A success: `value` holds the result. The same type as ts-results-es's `Ok`. */
export type Ok<T> = OkType<T>;
/** A failure: `error` holds the error value. The same type as ts-results-es's `Err`. */
export type Err<E> = ErrType<E>;
/**
 * What every fallible call returns: `Ok<T>` or `Err<E>` (ts-results-es's `Result`, re-exported so
 * that code annotating results needs no direct dependency on ts-results-es).
 */
export type Result<T, E> = ResultType<T, E>;

/** The value one level deeper, as `util.inspect` would show it inside an object. */
function shown(value: unknown, depth: number, options: InspectOptionsStylized): string {
  return inspect(value, { ...options, depth: options.depth === null ? null : depth });
}

class InspectableOk<T> extends OkImpl<T> {
  // The library builds many results with `map`: those must print the same way.
  override map<T2>(mapper: (value: T) => T2): Ok<T2> {
    return new InspectableOk(mapper(this.value));
  }

  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    if (depth < 0) return options.stylize('[Ok]', 'special');
    return `Ok(${shown(this.value, depth, options)})`;
  }
}

// The name ends in ErrImpl: ts-results-es then leaves this constructor out of `_stack`.
class InspectableErrImpl<E> extends ErrImpl<E> {
  override mapErr<E2>(mapper: (error: E) => E2): Err<E2> {
    return new InspectableErrImpl(mapper(this.error));
  }

  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    if (depth < 0) return options.stylize('[Err]', 'special');
    return `Err(${shown(this.error, depth, options)})`;
  }
}

/** A success holding `value`. */
export function Ok<T>(value: T): Ok<T> {
  return new InspectableOk(value);
}

/** A failure holding `error`. */
export function Err<E>(error: E): Err<E> {
  return new InspectableErrImpl(error);
}
