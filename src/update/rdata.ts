/**
 * Resource records in presentation form (RFC 1035 §5.1, RFC 3597 §5) ⇄ wire RDATA.
 *
 * Pure code, no I/O. The text rules follow BIND 9.18's zone-file reader, and the unit tests
 * compare every supported type byte for byte with `named-rrchecker`:
 *
 * - Tokens are separated by blanks; `"…"` quotes a token; `;` starts a comment; `(` `)` group
 *   tokens across line breaks. A backslash keeps the next character in the token.
 * - Names in RDATA are made absolute against the origin ({@link parseName}) and encoded
 *   uncompressed.
 * - Any type may be written in the RFC 3597 generic form `\# <length> <hex>`. For the types
 *   this module knows, the bytes must still be valid RDATA of that type, as in BIND.
 *
 * The codecs live in `./rdata/`, one small table of codecs per group of types; this module
 * holds the registry (which codec for which class and type) and the public entry points.
 */
import { Err, Ok, type Result } from '../result.js';
import { Name, parseName } from './names.js';
import { CORE_CODECS } from './rdata/core.js';
import { DNSSEC_CODECS } from './rdata/dnssec.js';
import {
  BIND_END,
  type Codec,
  decimal,
  Failure,
  Fields,
  fail,
  GENERIC_REMEDY,
  hexChunks,
  hexTokens,
  ipv4Bytes,
  isDigitCode,
  MAX_TTL,
  quote,
  Reader,
  RecordError,
  type Token,
  tokenize,
  tokenizeLine,
  ttlValue,
  WireFailure,
  words,
} from './rdata/kit.js';
import { LEGACY_CODECS } from './rdata/legacy.js';
import { MISC_CODECS } from './rdata/misc.js';
import { SVCB_CODECS } from './rdata/svcb.js';
import {
  CLASS_HS,
  CLASS_IN,
  classFromText,
  classToText,
  isMetaClass,
  isMetaType,
  RR_TYPES,
  typeFromText,
  typeToText,
} from './rdata/types.js';

export { MAX_TTL, parseTtl, RecordError, type RecordErrorKind } from './rdata/kit.js';
export {
  classFromText,
  classToText,
  isMetaClass,
  isMetaType,
  RR_CLASSES,
  RR_TYPES,
  type RRTypeName,
  typeFromText,
  typeToText,
} from './rdata/types.js';

// ---------------------------------------------------------------------------------------------
// The registry

/**
 * One codec for one type. `classes` lists the classes it is for; without it, every class. BIND
 * keeps class-specific RDATA formats (A in CH is a name and an octal address, SRV only in IN):
 * a type with no codec for a record's class is read only in the generic form, as in BIND.
 */
export interface CodecEntry {
  readonly type: number;
  readonly classes?: readonly number[];
  readonly codec: Codec;
}

/** Codecs for A in IN and HS, AAAA and SRV only in IN (as BIND); the rest in every class. */
const CORE_ENTRIES: readonly CodecEntry[] = CORE_CODECS.map(([type, codec]) => {
  if (type === RR_TYPES.A) return { type, codec, classes: [CLASS_IN, CLASS_HS] };
  if (type === RR_TYPES.AAAA || type === RR_TYPES.SRV) return { type, codec, classes: [CLASS_IN] };
  return { type, codec };
});

/** Every codec group; a group adds its entries here. */
const ENTRIES: readonly CodecEntry[] = [
  ...CORE_ENTRIES,
  ...DNSSEC_CODECS,
  ...SVCB_CODECS,
  ...LEGACY_CODECS,
  ...MISC_CODECS,
];

const BY_TYPE = new Map<number, CodecEntry[]>();
for (const entry of ENTRIES) {
  const list = BY_TYPE.get(entry.type) ?? [];
  list.push(entry);
  BY_TYPE.set(entry.type, list);
}

/** The codec for `type` in `rdclass`, if this library has one. */
function codecFor(type: number, rdclass: number): Codec | undefined {
  const list = BY_TYPE.get(type);
  if (!list) return undefined;
  return (
    list.find((entry) => entry.classes?.includes(rdclass)) ??
    list.find((entry) => entry.classes === undefined)
  )?.codec;
}

/** The RDATA types {@link parseRdata} reads from their own presentation form (class IN). */
export const SUPPORTED_TYPES: readonly number[] = Object.freeze(
  [...BY_TYPE.keys()].filter((type) => codecFor(type, CLASS_IN) !== undefined),
);

// ---------------------------------------------------------------------------------------------
// Public entry points

const MAX_RDATA = 0xffff;

function checkType(type: number): void {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
    fail('unknown-type', `type ${type} is not a number from 0 to 65535`);
  }
}

/**
 * Types BIND defines only in some classes (lib/dns/rdata/in_1, ch_3, hs_4, any_255; the same in
 * 9.16, 9.18 and 9.20): in any other class BIND has no RDATA format for them, and its
 * `dns_rdata_fromtext` answers `unknown class/type` (only `\#` is read).
 */
const BIND_CLASSES: ReadonlyMap<number, readonly number[]> = new Map<number, readonly number[]>([
  [RR_TYPES.A, [CLASS_IN, 3 /* CH */, CLASS_HS]],
  ...[11, 22, 23, 26, 28, 31, 32, 34, 36, 38, 42, 49, 64, 65].map(
    (type): [number, readonly number[]] => [type, [CLASS_IN]],
  ),
  [250, [255]],
]);

/** Whether BIND has a presentation format for `type` in `rdclass` (where it knows the type). */
function bindHasFormat(type: number, rdclass: number): boolean {
  if (isMetaType(type) && type !== 250) return false;
  const classes = BIND_CLASSES.get(type);
  return classes === undefined || classes.includes(rdclass);
}

/** Runs the codec over wire bytes; the reason it refuses them, if it does. */
function wireProblem(codec: Codec, rdata: Uint8Array): string | undefined {
  try {
    const reader = new Reader(rdata);
    codec.format(reader, undefined);
    reader.finish();
    return undefined;
  } catch (error) {
    if (error instanceof WireFailure) return error.reason;
    throw error;
  }
}

/** Parses the RDATA tokens (after the type) of one record. Throws {@link Failure}. */
function rdataFromTokens(
  type: number,
  tokens: readonly Token[],
  origin: Name,
  rdclass: number,
): Buffer {
  checkType(type);
  const what = `${typeToText(type)} record`;
  const codec = isMetaType(type) ? undefined : codecFor(type, rdclass);
  const first = tokens[0];
  // BIND reads `\#` in TXT as an escaped `#` unless a number follows (rdata.c).
  const generic =
    first !== undefined &&
    !first.quoted &&
    first.text === '\\#' &&
    (type !== RR_TYPES.TXT || /^[0-9]+$/.test(tokens[1]?.text ?? ''));
  if (generic) {
    const fields = new Fields(tokens.slice(1), what);
    const lengthText = fields.word('RDATA length after \\#');
    const length = decimal(lengthText, MAX_RDATA, 'RDATA length', what);
    if (isMetaType(type)) {
      fail('unsupported-type', `${typeToText(type)} is a meta type and cannot have RDATA`, {
        bind: 'invalid use of a meta type',
      });
    }
    const data = hexTokens(fields.rest(), 'RDATA', what);
    if (data.length !== length) {
      fail(
        'bad-rdata',
        `${what}: \\# says ${length} bytes but ${data.length} bytes of hex follow`,
        {
          remedy: 'the number after \\# must be the count of bytes (hex digit pairs) that follow',
          bind: data.length < length ? BIND_END : 'extra input text',
        },
      );
    }
    const problem = codec ? wireProblem(codec, data) : undefined;
    if (problem) {
      fail(
        'bad-rdata',
        `${what}: the \\# data is not valid ${typeToText(type)} RDATA: ${problem}`,
        {
          bind: /cut off|missing/.test(problem)
            ? BIND_END
            : /extra data/.test(problem)
              ? 'extra input data'
              : 'syntax error',
        },
      );
    }
    return data;
  }
  if (!codec && !bindHasFormat(type, rdclass)) {
    fail(
      'unsupported-type',
      isMetaType(type)
        ? `${typeToText(type)} is a meta type and cannot have RDATA`
        : `${what}: ${typeToText(type)} has no RDATA format in class ${classToText(rdclass)}`,
      { remedy: GENERIC_REMEDY, bind: 'unknown class/type' },
    );
  }
  if (!codec) {
    fail(
      'unsupported-type',
      `${what}: ${typeToText(type)} in class ${classToText(rdclass)} can only be written in the generic form`,
      { remedy: GENERIC_REMEDY },
    );
  }
  const fields = new Fields(tokens, what);
  const rdata = codec.parse(fields, origin);
  fields.finish();
  if (rdata.length > MAX_RDATA) {
    fail('bad-rdata', `${what}: RDATA is ${rdata.length} bytes; the limit is ${MAX_RDATA}`);
  }
  return rdata;
}

function catching<T>(body: () => T): Result<T, RecordError> {
  try {
    return Ok(body());
  } catch (error) {
    if (error instanceof Failure) return Err(error.error);
    throw error;
  }
}

/**
 * Presentation RDATA → wire RDATA, e.g. `parseRdata(15, '10 mail', origin)`.
 *
 * Names resolve against `origin` (`@` is the origin; names without a trailing dot are made
 * absolute under it) and are encoded uncompressed. `\# <length> <hex>` is accepted for every
 * type (for supported types the bytes must be valid RDATA of that type). `rdclass` (default IN)
 * matters for the class-specific formats: A (IN and HS: an address; CH: a name and an octal
 * address), and the IN-only types (AAAA, SRV, WKS, NSAP, NSAP-PTR, PX, EID, NIMLOC, ATMA, KX, A6,
 * APL), which other classes read only in the generic form. Never throws.
 */
export function parseRdata(
  type: number,
  text: string,
  origin: Name,
  rdclass: number = CLASS_IN,
): Result<Buffer, RecordError> {
  // The commonest record, without the tokenizer: text that is exactly a dotted quad is one
  // token, which the A codec would read the same way.
  if (type === RR_TYPES.A && rdclass === CLASS_IN) {
    const address = ipv4Bytes(text);
    if (address) return Ok(address);
  }
  return catching(() => rdataFromTokens(type, words(tokenize(text)), origin, rdclass));
}

/**
 * Presentation RDATA → wire RDATA as nsupdate reads the data of an `update` or `prereq` line: as
 * {@link parseRdata}, but split by nsupdate's lexer (`;`, `(` and `)` are ordinary characters,
 * the data is one line; see `tokenizeLine`). Failures carry BIND's own words in
 * `bindResult` where known. Never throws.
 */
export function parseRdataLine(
  type: number,
  text: string,
  origin: Name,
  rdclass: number = CLASS_IN,
): Result<Buffer, RecordError> {
  return catching(() => rdataFromTokens(type, tokenizeLine(text), origin, rdclass));
}

/**
 * Checks that wire RDATA is valid for its type, as BIND checks RDATA it receives: correct
 * lengths, names without compression pointers, no trailing bytes, known DS/SSHFP digest lengths,
 * CAA tags, NAPTR regexps. Types without a codec are always accepted. Never throws.
 */
export function checkRdata(
  type: number,
  rdata: Uint8Array,
  rdclass: number = CLASS_IN,
): Result<void, RecordError> {
  const codec = codecFor(type, rdclass);
  const problem = codec ? wireProblem(codec, rdata) : undefined;
  if (problem === undefined) return Ok(undefined);
  return Err(
    new RecordError({
      kind: 'bad-rdata',
      message: `invalid ${typeToText(type)} RDATA (${rdata.length} bytes): ${problem}`,
    }),
  );
}

/** RFC 3597 generic form: `\# <length> <HEX>`, the hex in BIND's chunks. */
function genericText(rdata: Uint8Array): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${hexChunks(rdata)}`;
}

/**
 * Wire RDATA → presentation text, as `named-rrchecker -p` prints it (long hex and base64 in
 * space-separated 56-character chunks): `10 mail.example.`,
 * `"v=spf1" "-all"`, `0 issue "ca.example"`. With `origin`, names are shown relative to it
 * (`@`, `mail`). Unsupported types and RDATA that is not valid for its type come out in the
 * RFC 3597 generic form. When the RDATA is valid for its type, the result reads back with
 * {@link parseRdata} (same origin and class) to the same bytes; invalid RDATA of a supported type
 * is shown as `\#` but refused by {@link parseRdata}, as BIND refuses it. Never throws.
 */
export function formatRdata(
  type: number,
  rdata: Uint8Array,
  origin?: Name,
  rdclass: number = CLASS_IN,
): string {
  try {
    const codec = isMetaType(type) ? undefined : codecFor(type, rdclass);
    // Empty RDATA goes to the codec too: an APL without items is valid and printed as nothing.
    if (codec) {
      const reader = new Reader(rdata);
      const text = codec.format(reader, origin);
      reader.finish();
      const back = parseRdata(type, text, origin ?? Name.root, rdclass);
      if (back.isOk() && back.value.equals(rdata)) return text;
    }
  } catch {
    // fall through to the generic form
  }
  return genericText(rdata);
}

/** One record read by {@link parseRecord}. */
export interface ParsedRecord {
  /** Owner name, absolute. */
  readonly name: Name;
  /** TTL in seconds; `undefined` when the text has none and no `defaultTtl` was given. */
  readonly ttl: number | undefined;
  /** Class number: from the text, else `defaultClass`, else IN (1). Never NONE, ANY or 0. */
  readonly class: number;
  /** Type number (see `typeFromText`). */
  readonly type: number;
  /** Wire RDATA; empty when the record has none (only with `allowEmptyRdata`). */
  readonly rdata: Buffer;
  /** The RDATA exactly as written (without comments or surrounding blanks); `''` when none. */
  readonly rdataText: string;
}

/** Options of {@link parseRecord}. */
export interface ParseRecordOptions {
  /** Origin for relative names and `@`, in the owner and in the RDATA. */
  readonly origin: Name;
  /** TTL when the text has none; otherwise the record's `ttl` stays `undefined`. */
  readonly defaultTtl?: number | undefined;
  /** Class when the text has none; default IN. */
  readonly defaultClass?: number | undefined;
  /**
   * Accept a record that ends after its type (`name [ttl] [class] type`), as UPDATE delete and
   * prerequisite forms need; its `rdata` is empty. Default `false`.
   */
  readonly allowEmptyRdata?: boolean | undefined;
}

/**
 * Reads one record in zone-file form: `owner [ttl] [class] type rdata…`, TTL and class in
 * either order, as in BIND zone files.
 *
 * - `owner` is a name relative to `origin` unless it ends in a dot; `@` is the origin.
 * - `ttl` is seconds or a duration (`1h30m`, see `parseTtl`), at most 2147483647.
 * - `class` is IN, CH, HS or CLASSnnn; NONE and ANY are refused (they only exist on the wire).
 * - `type` is a mnemonic or TYPEnnn; the RDATA follows {@link parseRdata}.
 * - `;` starts a comment; `( )` may wrap RDATA over several lines.
 *
 * Never throws.
 */
export function parseRecord(
  text: string,
  options: ParseRecordOptions,
): Result<ParsedRecord, RecordError> {
  return catching(() => {
    const items = tokenize(text);
    const tokens = words(items);
    const owner = tokens[0];
    if (!owner) fail('syntax', 'empty record: expected "owner [ttl] [class] type rdata"');
    if (owner.quoted) fail('syntax', `owner name must not be quoted: "${owner.text}"`);
    const name = parseName(owner.text, options.origin);
    if (name.isErr()) {
      fail('name', `owner ${quote(owner.text)}: ${name.error.message}`, { cause: name.error });
    }

    let ttl: number | undefined;
    let rdclass: number | undefined;
    let index = 1;
    let typeToken: Token | undefined;
    for (;;) {
      const token = tokens[index];
      if (!token) {
        fail(
          'syntax',
          `missing type after ${quote(text.slice(owner.start, tokens[index - 1]!.end))}`,
        );
      }
      index++;
      if (token.quoted) fail('syntax', `unexpected quoted token "${token.text}" before the type`);
      const asClass = classFromText(token.text);
      // `ANY` is both a class and a type: at the end of the record it is the type.
      const isLast = index >= tokens.length;
      // After a class (or TTL), the next class-like (or TTL-like) token is read as the type, as
      // BIND's zone loader does: `www IN CH A` is an unknown type "CH".
      if (
        asClass !== undefined &&
        rdclass === undefined &&
        !(isLast && typeFromText(token.text) !== undefined)
      ) {
        if (isMetaClass(asClass)) {
          fail('bad-class', `class ${quote(token.text)} cannot be used on a record`, {
            remedy: 'use the zone class (normally IN)',
          });
        }
        rdclass = asClass;
        continue;
      }
      if (isDigitCode(token.text.charCodeAt(0)) && ttl === undefined) {
        const value = ttlValue(token.text);
        if (typeof value === 'string') fail('bad-ttl', `TTL ${quote(token.text)} ${value}`);
        if (value > MAX_TTL) {
          fail('bad-ttl', `TTL ${quote(token.text)} is above the maximum ${MAX_TTL}`);
        }
        ttl = value;
        continue;
      }
      typeToken = token;
      break;
    }
    const type = typeFromText(typeToken.text);
    if (type === undefined) {
      fail('unknown-type', `unknown type ${quote(typeToken.text)}`, {
        causes: ['a misspelt type', 'a type this library has no name for'],
        remedy: 'write the type as TYPEnnn (its number) and the RDATA as \\# <length> <hex>',
      });
    }
    rdclass ??= options.defaultClass ?? CLASS_IN;
    ttl ??= options.defaultTtl;

    const rdataTokens = tokens.slice(index);
    const after = items.slice(items.indexOf(typeToken) + 1);
    const rdataText =
      after.length === 0 ? '' : text.slice(after[0]!.start, after[after.length - 1]!.end);
    if (rdataTokens.length === 0) {
      if (!options.allowEmptyRdata) fail('syntax', `${typeToText(type)} record: missing RDATA`);
      return { name: name.value, ttl, class: rdclass, type, rdata: Buffer.alloc(0), rdataText: '' };
    }
    const rdata = rdataFromTokens(type, rdataTokens, options.origin, rdclass);
    return { name: name.value, ttl, class: rdclass, type, rdata, rdataText };
  });
}
