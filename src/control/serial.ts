import { randomInt } from 'node:crypto';

/**
 * `_ser` values for this process: a random uint32 start, then +1 per message, wrapping at 2^32.
 * named suppresses any message whose (_frm, _to, _ser, _tim) it saw in the last 900 s across all
 * connections (controlconf.c), so every session of the process draws from this one counter.
 */
let next = randomInt(0, 0xffff_ffff);

/** The next serial. */
export function nextSerial(): number {
  const value = next;
  next = (next + 1) >>> 0;
  return value;
}
