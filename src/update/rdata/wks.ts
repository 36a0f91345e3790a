/**
 * WKS (RFC 1035 §3.4.2): IPv4 address, protocol, bitmap of services, as BIND reads and prints it
 * (lib/dns/rdata/in_1/wks_11.c).
 *
 * Text: `1.2.3.4 tcp smtp 80`. The protocol and each service are a decimal number (C `strtol`:
 * an optional sign is allowed) or a name. BIND resolves names with getprotobyname(3) and
 * getservbyname(3) — so its answer depends on the host's `/etc/protocols` and `/etc/services`;
 * this module uses a fixed copy of those lists (`wks-names.ts`) so that the result does
 * not depend on the machine. Protocol names are matched case-sensitively (as the C library
 * does; the lists carry upper-case aliases such as `TCP`); service names are tried lower-cased
 * first and then as written, for protocol `tcp` or `udp` when the protocol is 6 or 17, else for
 * any protocol (the first entry in the list). Printing always uses numbers.
 */
import type { Name } from '../names.js';
import {
  type Codec,
  type Fields,
  fail,
  ipv4Bytes,
  quote,
  type Reader,
  WireFailure,
} from './kit.js';
import { PROTOCOL_LINES, SERVICE_LINES } from './wks-names.js';

const PROTOCOLS = new Map<string, number>();
for (const line of PROTOCOL_LINES.trim().split('\n')) {
  const [number, ...names] = line.split(' ');
  for (const name of names) if (!PROTOCOLS.has(name)) PROTOCOLS.set(name, Number(number));
}

/** Service name → port, per protocol (`tcp`, `udp`) and for any protocol (`*`). */
const SERVICES = new Map<string, number>();
for (const line of SERVICE_LINES.trim().split('\n')) {
  const [portProto, ...names] = line.split(' ');
  const [port, proto] = portProto!.split('/');
  for (const name of names) {
    for (const key of [`${proto}/${name}`, `*/${name}`]) {
      if (!SERVICES.has(key)) SERVICES.set(key, Number(port));
    }
  }
}

/** The largest bitmap: one bit per port 0-65535. */
const MAX_BITMAP = 8192;

/**
 * C `strtol(text, &end, 10)` with the check `*end == '\0'`: the value when the whole text is a
 * (signed) decimal number, else `undefined`. Overflow saturates, which every caller refuses.
 */
function strtolWhole(text: string): number | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?)([0-9]+)$/.exec(text);
  if (!match) return undefined;
  const magnitude = match[2]!.length > 15 ? Number.POSITIVE_INFINITY : Number(match[2]);
  return match[1] === '-' ? -magnitude : magnitude;
}

function protocolNumber(f: Fields, text: string): number {
  const value = strtolWhole(text) ?? PROTOCOLS.get(text);
  if (value === undefined) fail('bad-rdata', `${f.what}: unknown protocol ${quote(text)}`);
  if (value < 0 || value > 255) {
    fail('bad-rdata', `${f.what}: protocol ${quote(text)} is out of range (0-255)`);
  }
  return value;
}

function servicePort(f: Fields, text: string, proto: string): number {
  // BIND copies the name into a 32-byte buffer before lower-casing it.
  const lower = text.slice(0, 31).toLowerCase();
  const value =
    strtolWhole(text) ?? SERVICES.get(`${proto}/${lower}`) ?? SERVICES.get(`${proto}/${text}`);
  if (value === undefined) fail('bad-rdata', `${f.what}: unknown service ${quote(text)}`);
  if (value < 0 || value > 0xffff) {
    fail('bad-rdata', `${f.what}: port ${quote(text)} is out of range (0-65535)`);
  }
  return value;
}

export const wksCodec: Codec = {
  parse: (f: Fields, _origin: Name) => {
    const addressText = f.word('address');
    const address =
      ipv4Bytes(addressText) ??
      fail('bad-rdata', `${f.what}: bad IPv4 address ${quote(addressText)}`);
    const protocol = protocolNumber(f, f.word('protocol'));
    const proto = protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : '*';
    const bitmap = Buffer.alloc(MAX_BITMAP);
    let highest = -1;
    while (!f.done) {
      const port = servicePort(f, f.word('service'), proto);
      highest = Math.max(highest, port);
      bitmap[port >> 3]! |= 0x80 >> (port & 7);
    }
    return Buffer.concat([address, Buffer.of(protocol), bitmap.subarray(0, (highest + 8) >> 3)]);
  },
  format: (r: Reader) => {
    const address = Array.from(r.bytes(4, 'address')).join('.');
    const protocol = r.u8('protocol');
    const bitmap = r.rest();
    // BIND's wire check: at most 8192 bitmap bytes, and no trailing zero byte.
    if (bitmap.length > MAX_BITMAP) throw new WireFailure('the bitmap is longer than 8192 bytes');
    if (bitmap.length > 0 && bitmap[bitmap.length - 1] === 0) {
      throw new WireFailure('the bitmap ends in a zero byte');
    }
    const parts = [address, String(protocol)];
    bitmap.forEach((byte, i) => {
      for (let bit = 0; bit < 8; bit++) if (byte & (0x80 >> bit)) parts.push(String(i * 8 + bit));
    });
    return parts.join(' ');
  },
};
