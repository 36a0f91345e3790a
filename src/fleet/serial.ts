/**
 * SOA serial arithmetic (RFC 1982 with SERIAL_BITS = 32, as RFC 1035 §3.3.13 requires for SOA
 * serials). Serials live on a circle: `a` is "after" `b` when the distance from `b` forward to
 * `a` is less than 2^31. Exactly 2^31 apart is undefined (§3.2): neither is after the other.
 */

const HALF = 0x8000_0000;

/**
 * How `a` relates to `b` in RFC 1982 order. (src/xfr/serial.ts, on main since, has the same
 * comparison as -1/0/1; this one names the cases for the verdict code.)
 */
export type SerialOrder = 'equal' | 'before' | 'after' | 'undefined';

/** True for an integer from 0 to 2^32-1. */
export function isSerial(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff;
}

/** Compares two serials (RFC 1982 §3.2). */
export function serialOrder(a: number, b: number): SerialOrder {
  if (a === b) return 'equal';
  const forward = (a - b + 0x1_0000_0000) % 0x1_0000_0000;
  if (forward === HALF) return 'undefined';
  return forward < HALF ? 'after' : 'before';
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
  return (to - from + 0x1_0000_0000) % 0x1_0000_0000;
}

/** `serial + n` modulo 2^32 (RFC 1982 §3.1 allows 0 ≤ n ≤ 2^31-1). */
export function addToSerial(serial: number, n: number): number {
  return (serial + n) % 0x1_0000_0000;
}
