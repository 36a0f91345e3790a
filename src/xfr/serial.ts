/** SOA serial number arithmetic (RFC 1982 §3.2, SERIAL_BITS = 32). */

/**
 * Compares two serials the RFC 1982 way: -1 when `a` is before `b`, 1 when after, 0 when equal,
 * and `undefined` when the comparison is undefined (they are exactly 2^31 apart).
 */
export function compareSerials(a: number, b: number): -1 | 0 | 1 | undefined {
  const x = a >>> 0;
  const y = b >>> 0;
  if (x === y) return 0;
  const distance = (y - x) >>> 0;
  if (distance === 0x80000000) return undefined;
  return distance < 0x80000000 ? -1 : 1;
}

/** True when `later` comes after `earlier` in RFC 1982 order. */
export function serialAfter(later: number, earlier: number): boolean {
  return compareSerials(later, earlier) === 1;
}
