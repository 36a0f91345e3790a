/**
 * SOA serial arithmetic: RFC 1982 with SERIAL_BITS = 32, as RFC 1035 §3.3.13 asks for SOA
 * serials. Serials live on a circle: `a` is after `b` when the distance from `b` forward to `a`
 * is below 2^31; exactly 2^31 apart is undefined (§3.2): neither is after the other. The one
 * module every part (transfers, propagation verdicts, dump proofs, tmp-file cleaning) uses.
 */

const HALF = 0x8000_0000;
const CIRCLE = 0x1_0000_0000;

/** True for an integer from 0 to 2^32-1. */
export function isSerial(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/**
 * Compares two serials the RFC 1982 way: -1 when `a` is before `b`, 1 when after, 0 when equal,
 * and `undefined` when the comparison is undefined (they are exactly 2^31 apart).
 */
export function compareSerials(a: number, b: number): -1 | 0 | 1 | undefined {
  const x = a >>> 0;
  const y = b >>> 0;
  if (x === y) return 0;
  const distance = (y - x) >>> 0;
  if (distance === HALF) return undefined;
  return distance < HALF ? -1 : 1;
}

/** True when `later` comes after `earlier` in RFC 1982 order. */
export function serialAfter(later: number, earlier: number): boolean {
  return compareSerials(later, earlier) === 1;
}

/** True when `earlier` comes before `later` in RFC 1982 order. */
export function serialBefore(earlier: number, later: number): boolean {
  return compareSerials(earlier, later) === -1;
}

/** How `a` relates to `b` in RFC 1982 order, named for the verdict code. */
export type SerialOrder = 'equal' | 'before' | 'after' | 'undefined';

/** {@link compareSerials} with named cases. */
export function serialOrder(a: number, b: number): SerialOrder {
  switch (compareSerials(a, b)) {
    case 0:
      return 'equal';
    case -1:
      return 'before';
    case 1:
      return 'after';
    default:
      return 'undefined';
  }
}

/**
 * Steps from `from` forward to `to` on the serial circle (0 when equal), or undefined when `to`
 * is not after `from` in RFC 1982 order (a server ahead of the reference, or exactly 2^31 away).
 * A secondary at `from` is this many increments behind a primary at `to` — when the primary
 * adds 1 per change, as named does for dynamic updates (`serial-update-method increment`).
 */
export function serialDistance(from: number, to: number): number | undefined {
  const order = serialOrder(to, from);
  if (order === 'equal') return 0;
  if (order !== 'after') return undefined;
  return (((to - from) % CIRCLE) + CIRCLE) % CIRCLE;
}

/** `serial + n` modulo 2^32 (RFC 1982 §3.1 allows 0 ≤ n ≤ 2^31-1). */
export function addToSerial(serial: number, n: number): number {
  return (serial + n) % CIRCLE;
}
