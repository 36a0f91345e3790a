/**
 * Checks of numeric and address options, shared by the clients: bad input becomes an error value
 * on first use instead of a throw from `net.connect` or a timer that fires at once.
 */
import { isIP } from 'node:net';

/** Longest delay a Node.js timer honours; above it a timer fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/** One numeric option: its name, value, smallest and largest value, and whether it is whole. */
export type RangeCheck = readonly [
  name: string,
  value: unknown,
  min: number,
  max: number,
  integer: boolean,
];

/** What is wrong with the first option out of its range, or undefined; unset options pass. */
export function rangeProblem(checks: readonly RangeCheck[]): string | undefined {
  for (const [name, value, min, max, integer] of checks) {
    if (value === undefined) continue;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      (integer && !Number.isInteger(value)) ||
      value < min ||
      value > max
    )
      return `${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not ${describe(value)}`;
  }
  return undefined;
}

/** What is wrong with a local address option (a host name would be resolved by the socket). */
export function addressProblem(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && isIP(value) !== 0) return undefined;
  return `${name} must be an IPv4 or IPv6 address, not ${describe(value)}`;
}

/** A value as it appears in a message: strings quoted, so `'abc'` is told from `abc`. */
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
