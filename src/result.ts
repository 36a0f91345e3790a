/**
 * The `Result` values this library returns: ts-results-es's `Ok` and `Err`, whose prototypes
 * print readably under `util.inspect`, `console.log` and the REPL — `Ok({ … })` with the
 * value, `Err(RndcError [timeout]: …)` with the error's readable form — instead of the
 * implementation classes and the `_stack` text ts-results-es keeps for `unwrap()`.
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

/**
 * How results print: `Ok(value)` and `Err(readable error)`. Defined once on ts-results-es's own
 * `OkImpl`/`ErrImpl` prototypes, where nothing else defined it first, so every result prints
 * this way — ours and those ts-results-es makes itself (`Result.all`, `andThen`…). Not a
 * subclass: a class extending `OkImpl` (an ES5 constructor function) cost V8 about 1.7 µs of
 * CPU per result (measured: the AXFR of a million records went from 0.8 to 2.5 CPU seconds),
 * and the library makes an `Ok` for every name it decodes.
 */
function defineInspect(prototype: object, label: 'Ok' | 'Err', field: 'value' | 'error'): void {
  if (Object.hasOwn(prototype, inspect.custom)) return;
  Object.defineProperty(prototype, inspect.custom, {
    value(this: Record<string, unknown>, depth: number, options: InspectOptionsStylized): string {
      if (depth < 0) return options.stylize(`[${label}]`, 'special');
      return `${label}(${shown(this[field], depth, options)})`;
    },
    writable: true,
    configurable: true,
  });
}
defineInspect(OkImpl.prototype, 'Ok', 'value');
defineInspect(ErrImpl.prototype, 'Err', 'error');

/** A success holding `value`. */
export function Ok<T>(value: T): Ok<T> {
  return new OkImpl(value);
}

/** A failure holding `error`. */
export function Err<E>(error: E): Err<E> {
  return new ErrImpl(error);
}
