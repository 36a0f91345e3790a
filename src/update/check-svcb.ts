/**
 * nsupdate's `check-svcb` (BIND 9.20; on by default, `check-svcb no` turns it off): an SVCB record
 * added at a `_dns` owner (RFC 9461, DNS server SVCB) must name its protocols, and one that offers
 * DNS over HTTP must say where. nsupdate 9.20 refuses, before sending, an SVCB added at an owner
 * whose first label is `_dns` (any case) when its data has no `alpn` key (`check-svcb failed: no
 * ALPN`, also in AliasMode) or when `alpn` lists an HTTP protocol — `http/0.9`, `http/1.0`,
 * `http/1.1`, `h2`, `h2c`, `h3`, exactly — without a `dohpath` key (`check-svcb failed: no
 * DOHPATH`). HTTPS records, other owners, deletes and prerequisites are never checked. 9.16 and
 * 9.18 have neither the command nor the check. Observed with nsupdate 9.20.23. Pure code.
 */
import { decodeName, type Name } from './names.js';

const KEY_ALPN = 1;
const KEY_DOHPATH = 7;
/** ALPN protocol IDs that carry HTTP (IANA TLS ALPN registry), as BIND 9.20 matches them. */
const HTTP_ALPNS = new Set(['http/0.9', 'http/1.0', 'http/1.1', 'h2', 'h2c', 'h3']);

/** nsupdate's message when this SVCB fails the check, else `undefined`. */
export function checkSvcbFailure(owner: Name, rdata: Uint8Array): string | undefined {
  const first = owner.labels[0];
  if (first === undefined || Buffer.from(first).toString('latin1').toLowerCase() !== '_dns') {
    return undefined;
  }
  if (rdata.length < 3) return undefined;
  const target = decodeName(rdata, 2, { compression: false });
  if (target.isErr()) return undefined;
  let alpns: string[] | undefined;
  let dohpath = false;
  for (let i = target.value.end; i + 4 <= rdata.length; ) {
    const key = (rdata[i]! << 8) | rdata[i + 1]!;
    const length = (rdata[i + 2]! << 8) | rdata[i + 3]!;
    const value = rdata.subarray(i + 4, i + 4 + length);
    if (key === KEY_ALPN) alpns = alpnIds(value);
    if (key === KEY_DOHPATH) dohpath = true;
    i += 4 + length;
  }
  if (alpns === undefined) return 'check-svcb failed: no ALPN';
  if (!dohpath && alpns.some((id) => HTTP_ALPNS.has(id))) return 'check-svcb failed: no DOHPATH';
  return undefined;
}

/** The protocol IDs of an alpn value: length-prefixed strings (RFC 9460 §7.1.1). */
function alpnIds(value: Uint8Array): string[] {
  const ids: string[] = [];
  for (let i = 0; i < value.length; ) {
    const length = value[i]!;
    ids.push(Buffer.from(value.subarray(i + 1, i + 1 + length)).toString('latin1'));
    i += 1 + length;
  }
  return ids;
}
