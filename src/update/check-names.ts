/**
 * nsupdate's `check-names` (on by default, `check-names no` turns it off): before a record is
 * added, BIND's `dns_rdata_checkowner` (owner, wildcard allowed) and `dns_rdata_checknames`
 * (names inside the RDATA) must accept it, else nsupdate stops with `check-names failed: bad
 * owner '…'` / `bad name '…'` and `syntax error` (bin/nsupdate/nsupdate.c `update_addordelete`;
 * deletes and prerequisites are never checked). The rules per class and type are BIND's
 * (lib/dns/rdata/&#42;&#42;/&#42;.c `checkowner_*`/`checknames_*`, the same in 9.16, 9.18 and 9.20):
 * host names (RFC 952/1123 letters, digits, inner hyphens) for address owners and for the
 * targets of NS, MX, SRV, AFSDB, RT, DSYNC, CH A and SOA MNAME; mailbox names (any printable
 * first label, then a host name) for SOA RNAME, RP, MINFO and the owners of MB and MG; the PTR
 * target under in-addr.arpa, ip6.arpa and ip6.int (not DNS-SD names); the base32hex first label
 * of an NSEC3 owner. Pure code.
 */
import { decodeName, type Name } from './names.js';

const CLASS_IN = 1;
const CLASS_CH = 3;

const isAlnum = (c: number) =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);

/** RFC 952/1123 label: letters, digits and hyphens, not starting or ending with a hyphen. */
function isHostLabel(label: Uint8Array): boolean {
  for (let i = 0; i < label.length; i++) {
    const c = label[i]!;
    const edge = i === 0 || i === label.length - 1;
    if (!(isAlnum(c) || (!edge && c === 0x2d))) return false;
  }
  return true;
}

/** BIND's `dns_name_ishostname`; `wildcard` lets a leading `*` label pass (owners only). */
export function isHostname(name: Name, wildcard: boolean): boolean {
  const labels = name.labels;
  const start = wildcard && labels[0]?.length === 1 && labels[0][0] === 0x2a ? 1 : 0;
  return labels.slice(start).every(isHostLabel);
}

/**
 * BIND's `dns_name_ismailbox`: a first label of printable characters, then a host name (`a.` is
 * one: the root label follows).
 */
export function isMailbox(name: Name): boolean {
  const [first, ...rest] = name.labels;
  if (first === undefined) return true;
  if (!first.every((c) => c > 0x20 && c < 0x7f)) return false;
  return rest.every(isHostLabel);
}

const labelIs = (label: Uint8Array | undefined, text: string) =>
  label !== undefined && Buffer.from(label).toString('latin1').toLowerCase() === text;

/** Whether `name` ends in the labels of `suffix` (lower case, leftmost first). */
const under = (name: Name, suffix: readonly string[]) =>
  name.labels.length >= suffix.length &&
  suffix.every((text, i) => labelIs(name.labels[name.labels.length - suffix.length + i], text));

/** `gc._msdcs.<host name>`: Active Directory's global catalog, allowed for A and AAAA owners. */
const isGcMsdcs = (name: Name) =>
  name.labels.length > 2 &&
  labelIs(name.labels[0], 'gc') &&
  labelIs(name.labels[1], '_msdcs') &&
  name.labels.slice(2).every(isHostLabel);

/** An SPF `exists` target: `_spf`, `_spf_verify` or `_spf_rate` somewhere but in the last label. */
const isSpfTarget = (name: Name) =>
  name.labels
    .slice(0, -1)
    .some(
      (label) =>
        labelIs(label, '_spf') || labelIs(label, '_spf_verify') || labelIs(label, '_spf_rate'),
    );

const DNS_SD = ['b', 'db', 'r', 'dr', 'lb'];

/** RFC 6763 browsing names (`b._dns-sd._udp.…` and friends): BIND skips the PTR check. */
const isDnsSd = (name: Name) =>
  name.labels.length > 3 &&
  DNS_SD.some((first) => labelIs(name.labels[0], first)) &&
  labelIs(name.labels[1], '_dns-sd') &&
  labelIs(name.labels[2], '_udp');

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Whether a label is unpadded base32hex, as BIND's `isc_base32hexnp_decoderegion` reads it. */
function isBase32HexLabel(label: Uint8Array): boolean {
  const values: number[] = [];
  for (const byte of label) {
    const value = BASE32HEX.indexOf(String.fromCharCode(byte).toLowerCase());
    if (value === -1) return false;
    values.push(value);
  }
  // The last group of 8 digits may be cut short only where whole bytes end, with zero bits after.
  const tail = values.length % 8;
  const last = values[values.length - 1] ?? 0;
  switch (tail) {
    case 0:
      return true;
    case 2:
      return (last & 0x03) === 0;
    case 4:
      return (last & 0x0f) === 0;
    case 5:
      return (last & 0x01) === 0;
    case 7:
      return (last & 0x07) === 0;
    default:
      return false;
  }
}

/** BIND's `dns_rdata_checkowner(owner, class, type, wildcard = true)`. */
function ownerOk(owner: Name, type: number, rdclass: number): boolean {
  switch (type) {
    case 1: // A
      if (rdclass === CLASS_IN) {
        return isGcMsdcs(owner) || isSpfTarget(owner) || isHostname(owner, true);
      }
      return rdclass === CLASS_CH ? isHostname(owner, true) : true;
    case 28: // AAAA
      return rdclass !== CLASS_IN || isGcMsdcs(owner) || isHostname(owner, true);
    case 11: // WKS
    case 38: // A6
      return rdclass !== CLASS_IN || isHostname(owner, true);
    case 15: // MX
      return isHostname(owner, true);
    case 7: // MB
    case 8: // MG
      return isMailbox(owner);
    case 50: // NSEC3
      return owner.labels[0] === undefined || isBase32HexLabel(owner.labels[0]);
    default:
      return true;
  }
}

/** The names inside wire RDATA that BIND checks, with the test each must pass. */
function rdataNames(
  owner: Name,
  type: number,
  rdclass: number,
  rdata: Uint8Array,
): Array<[number, 'host' | 'mailbox']> {
  switch (type) {
    case 2: // NS
      return [[0, 'host']];
    case 6: // SOA: MNAME a host, RNAME a mailbox
      return [
        [0, 'host'],
        [1, 'mailbox'],
      ];
    case 14: // MINFO
      return [
        [0, 'mailbox'],
        [1, 'mailbox'],
      ];
    case 17: // RP: the mailbox only
      return [[0, 'mailbox']];
    case 15: // MX
    case 18: // AFSDB
    case 21: // RT
      return [[2, 'host']];
    case 66: // DSYNC: type, scheme, port, target
      return [[5, 'host']];
    case 33: // SRV
      return rdclass === CLASS_IN ? [[6, 'host']] : [];
    case 1: // CH A: a domain name, then an octal address
      return rdclass === CLASS_CH ? [[0, 'host']] : [];
    case 38: {
      // A6: prefix length, address suffix, then a prefix name unless the length is 0.
      const prefix = rdata[0] ?? 0;
      if (rdclass !== CLASS_IN || prefix === 0) return [];
      return [[1 + 16 - Math.floor(prefix / 8), 'host']];
    }
    case 12: // PTR in IN, for reverse names
      if (rdclass !== CLASS_IN || isDnsSd(owner)) return [];
      return under(owner, ['in-addr', 'arpa']) ||
        under(owner, ['ip6', 'arpa']) ||
        under(owner, ['ip6', 'int'])
        ? [[0, 'host']]
        : [];
    default:
      return [];
  }
}

/** BIND's `dns_name_format`: the name without its final dot (the root stays `.`). */
const formatName = (name: Name) => (name.isRoot ? '.' : name.toString().slice(0, -1));

/**
 * What nsupdate's check-names says about a record it is about to add: `check-names failed: bad
 * owner 'x.example'` or `check-names failed: bad name 'mx_.example'`, or `undefined` when it
 * passes. SOA and MINFO carry two names: the first name's offset is given, the second follows it.
 */
export function checkNamesFailure(
  owner: Name,
  type: number,
  rdclass: number,
  rdata: Uint8Array,
): string | undefined {
  if (!ownerOk(owner, type, rdclass)) {
    return `check-names failed: bad owner '${formatName(owner)}'`;
  }
  let next = 0;
  for (const [where, rule] of rdataNames(owner, type, rdclass, rdata)) {
    // Offsets 0 and 1 of SOA/MINFO mean "first name" and "the name after it".
    const offset = (type === 6 || type === 14) && where === 1 ? next : where;
    const decoded = decodeName(Buffer.from(rdata), offset, { compression: false });
    if (decoded.isErr()) return undefined;
    next = decoded.value.end;
    const name = decoded.value.name;
    if (rule === 'host' ? !isHostname(name, false) : !isMailbox(name)) {
      return `check-names failed: bad name '${formatName(name)}'`;
    }
  }
  return undefined;
}
