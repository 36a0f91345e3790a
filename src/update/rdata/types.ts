/** RR type and class mnemonics (IANA registries) and the meta types/classes. Pure. */
// ---------------------------------------------------------------------------------------------
// Type and class mnemonics

/** RR type numbers by mnemonic (IANA "Resource Record (RR) TYPEs"). */
export const RR_TYPES = {
  A: 1,
  NS: 2,
  MD: 3,
  MF: 4,
  CNAME: 5,
  SOA: 6,
  MB: 7,
  MG: 8,
  MR: 9,
  NULL: 10,
  WKS: 11,
  PTR: 12,
  HINFO: 13,
  MINFO: 14,
  MX: 15,
  TXT: 16,
  RP: 17,
  AFSDB: 18,
  X25: 19,
  ISDN: 20,
  RT: 21,
  NSAP: 22,
  'NSAP-PTR': 23,
  SIG: 24,
  KEY: 25,
  PX: 26,
  GPOS: 27,
  AAAA: 28,
  LOC: 29,
  NXT: 30,
  EID: 31,
  NIMLOC: 32,
  SRV: 33,
  ATMA: 34,
  NAPTR: 35,
  KX: 36,
  CERT: 37,
  A6: 38,
  DNAME: 39,
  SINK: 40,
  OPT: 41,
  APL: 42,
  DS: 43,
  SSHFP: 44,
  IPSECKEY: 45,
  RRSIG: 46,
  NSEC: 47,
  DNSKEY: 48,
  DHCID: 49,
  NSEC3: 50,
  NSEC3PARAM: 51,
  TLSA: 52,
  SMIMEA: 53,
  HIP: 55,
  NINFO: 56,
  RKEY: 57,
  TALINK: 58,
  CDS: 59,
  CDNSKEY: 60,
  OPENPGPKEY: 61,
  CSYNC: 62,
  ZONEMD: 63,
  SVCB: 64,
  HTTPS: 65,
  DSYNC: 66,
  HHIT: 67,
  BRID: 68,
  SPF: 99,
  UINFO: 100,
  UID: 101,
  GID: 102,
  UNSPEC: 103,
  NID: 104,
  L32: 105,
  L64: 106,
  LP: 107,
  EUI48: 108,
  EUI64: 109,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
  URI: 256,
  CAA: 257,
  AVC: 258,
  DOA: 259,
  AMTRELAY: 260,
  RESINFO: 261,
  WALLET: 262,
  TA: 32768,
  DLV: 32769,
} as const satisfies Record<string, number>;

/** A mnemonic of {@link RR_TYPES}. */
export type RRTypeName = keyof typeof RR_TYPES;

/** Class numbers by mnemonic (RFC 1035 §3.2.4, RFC 2136 §1.3). */
export const RR_CLASSES = { IN: 1, CH: 3, HS: 4, NONE: 254, ANY: 255 } as const;

export const CLASS_IN = 1;
export const CLASS_HS = 4;

export const TYPE_BY_NAME = new Map<string, number>(Object.entries(RR_TYPES));
export const NAME_BY_TYPE = new Map<number, string>(
  Object.entries(RR_TYPES).map(([name, value]) => [value, name]),
);
export const CLASS_BY_NAME = new Map<string, number>([
  ...Object.entries(RR_CLASSES),
  ['CHAOS', 3],
  ['HESIOD', 4],
]);
export const NAME_BY_CLASS = new Map<number, string>(
  Object.entries(RR_CLASSES).map(([name, value]) => [value, name]),
);

/** `TYPE15` / `CLASS3` style: the number after `prefix`, if it is 0-65535. */
export function numbered(text: string, prefix: string): number | undefined {
  if (text.length <= prefix.length || text.length > prefix.length + 5) return undefined;
  if (text.slice(0, prefix.length).toUpperCase() !== prefix) return undefined;
  const digits = text.slice(prefix.length);
  if (!/^[0-9]+$/.test(digits)) return undefined;
  const value = Number(digits);
  return value <= 0xffff ? value : undefined;
}

/**
 * The type number for a mnemonic (`MX`, `mx`) or an RFC 3597 `TYPEnnn` word, or `undefined`.
 */
export function typeFromText(text: string): number | undefined {
  return TYPE_BY_NAME.get(text.toUpperCase()) ?? numbered(text, 'TYPE');
}

/** The mnemonic of a type number, or `TYPEnnn` (RFC 3597 §5) when it has none. */
export function typeToText(type: number): string {
  return NAME_BY_TYPE.get(type) ?? `TYPE${type}`;
}

/**
 * The class number for `IN`, `CH` (`CHAOS`), `HS` (`HESIOD`), `NONE`, `ANY` or an RFC 3597
 * `CLASSnnn` word, case-insensitive; `undefined` otherwise.
 */
export function classFromText(text: string): number | undefined {
  return CLASS_BY_NAME.get(text.toUpperCase()) ?? numbered(text, 'CLASS');
}

/** The mnemonic of a class number (`IN`, `CH`, `HS`, `NONE`, `ANY`), else `CLASSnnn`. */
export function classToText(rdclass: number): string {
  return NAME_BY_CLASS.get(rdclass) ?? `CLASS${rdclass}`;
}

/**
 * True for types that only exist in queries or as message meta-records and never have RDATA in
 * a zone: 0, OPT, TKEY, TSIG, IXFR, AXFR, MAILB, MAILA and ANY (BIND refuses RDATA for them).
 */
export function isMetaType(type: number): boolean {
  return type === 0 || type === 41 || (type >= 249 && type <= 255);
}

/** True for the classes that never appear on zone data: 0, NONE (254) and ANY (255). */
export function isMetaClass(rdclass: number): boolean {
  return rdclass === 0 || rdclass === 254 || rdclass === 255;
}
