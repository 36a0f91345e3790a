/**
 * A pure parser of nsupdate's command language (BIND 9.18), as nsupdate reads it from a file or a
 * pipe (non-interactive mode): the script becomes a typed list of commands, each with its line.
 *
 * It reproduces what nsupdate itself checks while reading a line, with nsupdate's messages:
 * keywords, numbers (ports, TTLs), classes and type mnemonics, owner/zone/key names (syntax
 * only), the `key` command (algorithm, truncation, base64), the TTL rule of `update add`, and the
 * zone-class bookkeeping behind "class mismatch". The record data of every prereq and update line
 * is read as nsupdate reads it (its lexer: `;`, `(` and `)` are ordinary characters; the class of
 * the record decides the format) and checked like nsupdate checks it before anything is sent:
 * `invalid rdata format: <BIND's reason>`, check-names on adds, NSEC3PARAM iterations. Failures
 * to resolve a `server` host are left to later stages.
 *
 * What nsupdate does with some inputs, reproduced here:
 * - Keywords are case-insensitive. A line whose first word starts with `;` is a comment; a `;`
 *   anywhere else is ordinary text: `server 10.0.0.1 ; x` is a bad port, and in record data
 *   `;`, `(` and `)` are literal (`TXT a;b` is the string `a;b`, `TXT ( a )` three strings, `A
 *   1.2.3.4 ; x` extra input text) — data with them also produces a warning here.
 * - A blank line (or one of only spaces and tabs) means `send`.
 * - Only the text up to the first CR (or NUL) of a line counts.
 * - Words a command does not use are ignored (`zone a. b.`): reported as `ignored-input`.
 * - Reading stops at `quit`; at the end of the input nsupdate quits too, so prereq/update lines
 *   not followed by `send` or a blank line are silently dropped (exit status 0): reported as
 *   `unsent-at-eof` / `quit-discards`.
 * - A syntax error stops nsupdate with exit status 1, printing its message and `syntax error`
 *   ({@link NsupdateSyntaxError.nsupdateStderr}). nsupdate would have sent the batches before
 *   the bad line by then; this parser rejects the whole script up front.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { type ErrorDetails, RndcLibraryError } from '../errors.js';
import { DIGEST_BYTES, decodeBase64Strict, type HmacAlgorithm, Key } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { checkNamesFailure } from './check-names.js';
import { checkSvcbFailure } from './check-svcb.js';
import { Name, parseName } from './names.js';
import { parseRdataLine, typeFromText } from './rdata.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Options of {@link parseNsupdateScript}. */
export interface ParseNsupdateOptions {
  /** Names the script in messages and key locations. Default `<script>`. */
  readonly file?: string | undefined;
  /** `nsupdate -l`: the `server` command is refused ("cannot reset server in localhost-only mode"). */
  readonly localOnly?: boolean | undefined;
  /**
   * Whose nsupdate to follow where versions differ ({@link NSUPDATE_VERSIONS}: known types,
   * the NSEC3PARAM iteration limit). Default `'9.18'`.
   */
  readonly bindVersion?: NsupdateBindVersion | undefined;
}

/** The BIND release lines whose nsupdate this parser can follow. */
export type NsupdateBindVersion = '9.16' | '9.18' | '9.20';

/** What differs between the nsupdate of each BIND version, for what this parser checks. */
export interface NsupdateVersionRules {
  /**
   * Highest NSEC3PARAM iterations nsupdate adds (`dns_nsec3_maxiterations()`: 150 in 9.16 and
   * 9.18, 50 in 9.20); above it: `NSEC3PARAM has excessive iterations (> N)`.
   */
  readonly nsec3paramIterations: number;
  /** Whether it knows DSYNC, HHIT, BRID, RESINFO and WALLET (9.18 and later; 9.16 does not). */
  readonly newerTypes: boolean;
  /** Whether it has the `check-svcb` command and check (9.20; see check-svcb.ts). */
  readonly checkSvcb: boolean;
}

/** The one table of nsupdate's version differences (BIND 9.16.50, 9.18.49, 9.20.23). */
export const NSUPDATE_VERSIONS: Readonly<Record<NsupdateBindVersion, NsupdateVersionRules>> = {
  '9.16': { nsec3paramIterations: 150, newerTypes: false, checkSvcb: false },
  '9.18': { nsec3paramIterations: 150, newerTypes: true, checkSvcb: false },
  '9.20': { nsec3paramIterations: 50, newerTypes: true, checkSvcb: true },
};

/** Fields every command has. */
interface CommandBase {
  /** 1-based line number in the script. */
  readonly line: number;
}

/** `server host [port]`: where updates (and zone discovery) go. */
export interface NsupdateServerCommand extends CommandBase {
  /** Discriminant: `'server'`. */
  readonly kind: 'server';
  /** Host name or address as written; nsupdate resolves it (up to 4 addresses). */
  readonly host: string;
  /** 1–65535, or `undefined` for the default (53, or `nsupdate -p`). */
  readonly port: number | undefined;
}

/** `local address [port]`: source address and port of requests. */
export interface NsupdateLocalCommand extends CommandBase {
  /** Discriminant: `'local'`. */
  readonly kind: 'local';
  /** A literal IPv4 or IPv6 address (no scope). */
  readonly address: string;
  /** 4 for IPv4, 6 for IPv6. */
  readonly family: 4 | 6;
  /** 1–65535, or `undefined` for any port. */
  readonly port: number | undefined;
}

/** `zone name`: the zone to update (skips zone discovery). */
export interface NsupdateZoneCommand extends CommandBase {
  /** Discriminant: `'zone'`. */
  readonly kind: 'zone';
  /** The name as written; nsupdate makes it absolute against the root. */
  readonly zone: string;
}

/** `class name`: the default class (never NONE, ANY or 0). */
export interface NsupdateClassCommand extends CommandBase {
  /** Discriminant: `'class'`. */
  readonly kind: 'class';
  /** As written (`IN`, `chaos`, `CLASS3`). */
  readonly className: string;
  /** Its number (1 IN, 3 CH, 4 HS). */
  readonly classValue: number;
}

/** `ttl seconds|none`: the default TTL of `update add`. */
export interface NsupdateTtlCommand extends CommandBase {
  /** Discriminant: `'ttl'`. */
  readonly kind: 'ttl';
  /** 0–2147483647, or `undefined` for `ttl none` (adds need a TTL again). */
  readonly ttl: number | undefined;
}

/** `key [hmac:]name secret`: the TSIG key for what follows (hmac defaults to hmac-md5). */
export interface NsupdateKeyCommand extends CommandBase {
  /** Discriminant: `'key'`. */
  readonly kind: 'key';
  /** The key; `truncatedBits` is set for `hmac-sha256-128:` and the like. Its location is the line. */
  readonly key: Key;
}

/** `check-names yes|no` (also `checknames`, `on/off`, `true/false`). */
export interface NsupdateCheckNamesCommand extends CommandBase {
  /** Discriminant: `'check-names'`. */
  readonly kind: 'check-names';
  /** True for `yes`/`on`/`true`. */
  readonly enabled: boolean;
}

/** `check-svcb yes|no` (also `checksvcb`; nsupdate 9.20). */
export interface NsupdateCheckSvcbCommand extends CommandBase {
  /** Discriminant: `'check-svcb'`. */
  readonly kind: 'check-svcb';
  /** True for `yes`/`on`/`true`. */
  readonly enabled: boolean;
}

/** Fields of every prereq and update line. */
interface RecordCommandBase extends CommandBase {
  /** The record part as written (after `prereq nxdomain`, `update add`, …), trimmed. */
  readonly record: string;
  /** Owner name as written (`@` is the root; relative names are made absolute against the root). */
  readonly owner: string;
  /** True when written without the `prereq`/`update` keyword (`add …`, `nxrrset …`). */
  readonly shorthand: boolean;
}

/** `prereq nxdomain name`: the name must not exist (RFC 2136 §2.4.5). */
export interface NsupdateNxdomainPrereq extends RecordCommandBase {
  /** Discriminant: `'prereq'`. */
  readonly kind: 'prereq';
  /** The prerequisite: `'nxdomain'`. */
  readonly condition: 'nxdomain';
}

/** `prereq yxdomain name`: the name must exist (RFC 2136 §2.4.4). */
export interface NsupdateYxdomainPrereq extends RecordCommandBase {
  /** Discriminant: `'prereq'`. */
  readonly kind: 'prereq';
  /** The prerequisite: `'yxdomain'`. */
  readonly condition: 'yxdomain';
}

/** `prereq nxdomain name` / `prereq yxdomain name`. */
export type NsupdateNamePrereq = NsupdateNxdomainPrereq | NsupdateYxdomainPrereq;

/** `prereq nxrrset name [class] type` (RFC 2136 §2.4.3); data after the type is ignored. */
export interface NsupdateNxrrsetPrereq extends RecordCommandBase {
  /** Discriminant: `'prereq'`. */
  readonly kind: 'prereq';
  /** The prerequisite: `'nxrrset'`. */
  readonly condition: 'nxrrset';
  /** Class as written, if any. */
  readonly class: string | undefined;
  /** Type as written (a mnemonic or `TYPEnnn`). */
  readonly type: string;
  /** Its number. */
  readonly typeValue: number;
  /** The class the record is in: the written class or the zone's. */
  readonly rdataClass: number;
}

/**
 * `prereq yxrrset name [class] type [data]`: without data the RRset must exist (§2.4.1); with
 * data, all such lines for one name and type form the exact RRset required (§2.4.2).
 */
export interface NsupdateYxrrsetPrereq extends RecordCommandBase {
  /** Discriminant: `'prereq'`. */
  readonly kind: 'prereq';
  /** The prerequisite: `'yxrrset'`. */
  readonly condition: 'yxrrset';
  /** Class as written, if any. */
  readonly class: string | undefined;
  /** Type as written (a mnemonic or `TYPEnnn`). */
  readonly type: string;
  /** Its number. */
  readonly typeValue: number;
  /** The record data as written (read in class `rdataClass`), or `undefined`. */
  readonly rdata: string | undefined;
  /** The record data in wire form, or `undefined` without data. */
  readonly rdataWire: Buffer | undefined;
  /** The class the record is in: the written class or the zone's. */
  readonly rdataClass: number;
}

/** A prerequisite line. */
export type NsupdatePrereqCommand =
  | NsupdateNamePrereq
  | NsupdateNxrrsetPrereq
  | NsupdateYxrrsetPrereq;

/** `update add name [ttl] [class] type data` (RFC 2136 §2.5.1). */
export interface NsupdateAddCommand extends RecordCommandBase {
  /** Discriminant: `'update'`. */
  readonly kind: 'update';
  /** `'add'`. */
  readonly operation: 'add';
  /** The TTL written, or the `ttl` command's default when none was written. */
  readonly ttl: number;
  /** True when `ttl` came from an earlier `ttl` command. */
  readonly ttlFromDefault: boolean;
  /** Class as written, if any. */
  readonly class: string | undefined;
  /** Type as written (a mnemonic or `TYPEnnn`). */
  readonly type: string;
  /** Its number. */
  readonly typeValue: number;
  /** The record data as written, never empty. */
  readonly rdata: string;
  /** The record data in wire form. */
  readonly rdataWire: Buffer;
  /** The class the record is in: the written class or the zone's. */
  readonly rdataClass: number;
  /** Whether check-names was on for this line (nsupdate then checks owner and data names). */
  readonly checkNames: boolean;
}

/**
 * `update delete name [ttl] [class] [type [data]]` (`del` too). A TTL is accepted and ignored.
 * - `name`: no type — delete every RRset of the name (`name 0 ANY ANY`, §2.5.3);
 * - `rrset`: a type, no data — delete that RRset (`name 0 ANY type`, §2.5.2; type `ANY` amounts
 *   to `name`);
 * - `record`: type and data — delete that one record (`name 0 NONE type data`, §2.5.4).
 */
export type NsupdateDeleteCommand =
  | (RecordCommandBase & {
      /** Discriminant: `'update'`. */
      readonly kind: 'update';
      /** `'delete'`. */
      readonly operation: 'delete';
      /** What is deleted: every RRset of the name, one RRset, or one record. */
      readonly scope: 'name';
      /** Class as written, if any. */
      readonly class: string | undefined;
    })
  | (RecordCommandBase & {
      /** Discriminant: `'update'`. */
      readonly kind: 'update';
      /** `'delete'`. */
      readonly operation: 'delete';
      /** What is deleted: every RRset of the name, one RRset, or one record. */
      readonly scope: 'rrset';
      /** Class as written, if any. */
      readonly class: string | undefined;
      /** Type as written (a mnemonic or `TYPEnnn`). */
      readonly type: string;
      /** Its number. */
      readonly typeValue: number;
      /** The class the record is in: the written class or the zone's. */
      readonly rdataClass: number;
    })
  | (RecordCommandBase & {
      /** Discriminant: `'update'`. */
      readonly kind: 'update';
      /** `'delete'`. */
      readonly operation: 'delete';
      /** What is deleted: every RRset of the name, one RRset, or one record. */
      readonly scope: 'record';
      /** Class as written, if any. */
      readonly class: string | undefined;
      /** Type as written (a mnemonic or `TYPEnnn`). */
      readonly type: string;
      /** Its number. */
      readonly typeValue: number;
      /** The record data as written. */
      readonly rdata: string;
      /** The record data in wire form. */
      readonly rdataWire: Buffer;
      /** The class the record is in: the written class or the zone's. */
      readonly rdataClass: number;
    });

/** An update-section line. */
export type NsupdateUpdateCommand = NsupdateAddCommand | NsupdateDeleteCommand;

/** `send`, or a blank line: send the pending prereqs and updates. */
export interface NsupdateSendCommand extends CommandBase {
  /** Discriminant: `'send'`. */
  readonly kind: 'send';
  /** True for a blank line. */
  readonly blankLine: boolean;
  /**
   * Lines of the prereqs and updates this sends. When empty, nsupdate sends nothing unless a
   * zone was set (then it sends an UPDATE with an empty update section).
   */
  readonly pendingLines: readonly number[];
  /** Class of the zone section: the first class written in this batch, else the default class. */
  readonly zoneClass: number;
}

/** `quit`: stop, discarding pending changes. Nothing after it is read. */
export interface NsupdateQuitCommand extends CommandBase {
  /** Discriminant: `'quit'`. */
  readonly kind: 'quit';
  /** Lines of the prereqs and updates that are dropped. */
  readonly discardedLines: readonly number[];
}

/** `show`: print the pending message. */
export interface NsupdateShowCommand extends CommandBase {
  /** Discriminant: `'show'`. */
  readonly kind: 'show';
  /**
   * Class of the zone section at this point: the first class written in the batch, else the
   * default class (as nsupdate's `show`, which fixes it once a zone is set).
   */
  readonly zoneClass: number;
}

/** Commands without arguments: `answer` (last reply), `debug`, `version`, `help`. */
export interface NsupdateSimpleCommand extends CommandBase {
  /** Which of the commands without arguments it is. */
  readonly kind: 'answer' | 'debug' | 'version' | 'help';
}

/** One command of a script. */
export type NsupdateCommand =
  | NsupdateServerCommand
  | NsupdateLocalCommand
  | NsupdateZoneCommand
  | NsupdateClassCommand
  | NsupdateTtlCommand
  | NsupdateKeyCommand
  | NsupdateCheckNamesCommand
  | NsupdateCheckSvcbCommand
  | NsupdatePrereqCommand
  | NsupdateUpdateCommand
  | NsupdateSendCommand
  | NsupdateQuitCommand
  | NsupdateShowCommand
  | NsupdateSimpleCommand;

/** What a warning is about. */
export type NsupdateWarningKind =
  /** Prereq/update lines at the end not followed by `send` or a blank line: nsupdate drops them. */
  | 'unsent-at-eof'
  /** `quit` with prereq/update lines not sent: nsupdate drops them. */
  | 'quit-discards'
  /** Text nsupdate reads past without using (extra words, data of nxrrset, lines after quit). */
  | 'ignored-input'
  /** An unquoted `;` in record data: not a comment for nsupdate but part of the data. */
  | 'semicolon-in-data'
  /** An unquoted `(` or `)` in record data: nsupdate takes it literally (no multi-line records). */
  | 'parenthesis-in-data';

/** Something nsupdate accepts silently but probably not as meant. */
export interface NsupdateWarning {
  /** What the warning is about. */
  readonly kind: NsupdateWarningKind;
  /** The line it is about (for `unsent-at-eof`, the last line of the script). */
  readonly line: number;
  /** The lines concerned: the dropped prereq/update lines, or `[line]`. */
  readonly lines: readonly number[];
  /** `file:line: …`, for people. */
  readonly message: string;
}

/** A parsed script. */
export interface NsupdateScript {
  /** The commands, in script order. */
  readonly commands: NsupdateCommand[];
  /** What nsupdate would accept silently but probably not as meant. */
  readonly warnings: NsupdateWarning[];
}

/**
 * `syntax`: nsupdate rejects it too (exit status 1); `unsupported`: nsupdate accepts it, this
 * library does not; `no-server`: a `send` would send an update but no server is known (no
 * `server` command before it and no `server` option) — nsupdate would look the zone's primary up
 * through resolv.conf, this library does not. `no-server` comes only from `runNsupdateScript`,
 * never from {@link parseNsupdateScript}.
 */
export type NsupdateSyntaxErrorKind = 'syntax' | 'unsupported' | 'no-server';

/**
 * A script nsupdate would reject, one using something this library does not support, or
 * (`no-server`, from `runNsupdateScript`) one that would send an update without a server.
 */
export class NsupdateSyntaxError extends RndcLibraryError<NsupdateSyntaxErrorKind> {
  /** The script's name ({@link ParseNsupdateOptions.file}). */
  readonly file: string;
  /** 1-based line of the offending command. */
  readonly line: number;
  /**
   * The line nsupdate prints before `syntax error` (e.g. `ttl 'A': not a valid number`), or
   * `undefined` when it prints only `syntax error`, or for `unsupported` and `no-server`. Key
   * secrets are replaced by `[redacted]` where nsupdate would echo them.
   */
  readonly nsupdateMessage: string | undefined;
  /**
   * Everything nsupdate writes to stderr for this error, log lines aside (usually
   * `<message>\nsyntax error\n`); `undefined` for `unsupported` and `no-server`.
   */
  readonly nsupdateStderr: string | undefined;
  /**
   * Exit status for this error: 1 for `syntax` (nsupdate's) and for `no-server` (nothing was
   * sent; `rndc-js update` exits 1), `undefined` for `unsupported` (nsupdate accepts the script).
   */
  readonly exitCode: 1 | undefined;

  constructor(
    details: ErrorDetails<NsupdateSyntaxErrorKind> & {
      readonly file: string;
      readonly line: number;
      readonly nsupdateMessage?: string | undefined;
      readonly nsupdateStderr?: string | undefined;
    },
  ) {
    super(details);
    this.file = details.file;
    this.line = details.line;
    this.nsupdateMessage = details.nsupdateMessage;
    this.nsupdateStderr = details.nsupdateStderr;
    this.exitCode = details.kind === 'unsupported' ? undefined : 1;
  }
}

// ---------------------------------------------------------------------------------------------
// Constants and small parsers mirroring BIND's

/** Largest TTL nsupdate accepts (2^31 − 1). */
export const NSUPDATE_TTL_MAX = 2147483647;
/** nsupdate reads lines with a 128 KiB buffer: longer lines are split in two commands. */
const MAX_LINE_BYTES = 128 * 1024 - 1;

const CLASS_IN = 1;
const CLASS_RESERVED0 = 0;
const CLASS_NONE = 254;
const CLASS_ANY = 255;

/** The type mnemonics BIND 9.18 knows (`dns_rdatatype_fromtext`), lower case. */
const TYPE_MNEMONICS = new Set(
  (
    'a a6 aaaa afsdb amtrelay apl atma avc brid caa cdnskey cds cert cname csync dhcid dlv dname ' +
    'dnskey doa ds dsync eid eui48 eui64 gpos hhit hinfo hip https ipseckey isdn key keydata kx ' +
    'l32 l64 loc lp mb md mf mg minfo mr mx naptr nid nimloc ninfo ns nsap nsap-ptr nsec nsec3 ' +
    'nsec3param null nxt openpgpkey opt ptr px resinfo rkey rp rrsig rt sig sink smimea soa spf ' +
    'srv sshfp svcb ta talink tkey tlsa tsig txt uri wallet wks x25 zonemd ' +
    'uinfo uid gid unspec ixfr axfr mailb maila any'
  ).split(' '),
);

/**
 * Types BIND has a presentation format for (lib/dns/rdata/generic, in_1, ch_3, hs_4, any_255 of
 * 9.16.50; 9.18 and 9.20 add {@link NEWER_TYPES}). Text data of any other type is `unknown
 * class/type` for nsupdate; data of these types this library cannot read is `unsupported`.
 */
const BIND_TYPES = new Set([
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
  ...[26, 27, 28, 29, 30, 31, 32, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48],
  ...[49, 50, 51, 52, 53, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 99, 104, 105, 106, 107],
  ...[108, 109, 249, 250, 256, 257, 258, 259, 260, 32768, 32769, 65533],
]);
const NEWER_TYPES = new Set([66, 67, 68, 261, 262]);

/** The number of a type word nsupdate accepted (BIND also knows `KEYDATA`, 65533). */
function typeNumber(text: string): number {
  return text.toLowerCase() === 'keydata' ? 65533 : (typeFromText(text) ?? 0);
}

/** `strtoul(s, &end, 10)` consuming all of `s` (no spaces occur), as a number ≤ 0xffff or undefined. */
function shortNumber(text: string): number | undefined {
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (!match?.[2]) return undefined;
  const value = Number(match[2]);
  if (match[1] === '-') return value === 0 ? 0 : undefined;
  return value <= 0xffff ? value : undefined;
}

/** BIND's `dns_rdataclass_fromtext`: the class number of a mnemonic or `CLASSnnn`. */
export function parseNsupdateClass(text: string): number | undefined {
  const lower = text.toLowerCase();
  switch (lower) {
    case 'in':
      return CLASS_IN;
    case 'ch':
    case 'chaos':
      return 3;
    case 'hs':
    case 'hesiod':
      return 4;
    case 'none':
      return CLASS_NONE;
    case 'any':
      return CLASS_ANY;
    case 'reserved0':
      return CLASS_RESERVED0;
  }
  if (lower.startsWith('class') && lower.length > 5 && lower.length <= 10) {
    return shortNumber(lower.slice(5));
  }
  return undefined;
}

/** Mnemonics of the types 9.18 added; 9.16's nsupdate does not know them. */
const NEWER_TYPE_MNEMONICS = new Set(['dsync', 'hhit', 'brid', 'resinfo', 'wallet']);

/**
 * BIND's `dns_rdatatype_fromtext`: whether `text` names a type (mnemonic or `TYPEnnn`) for the
 * nsupdate of `version` (default 9.18).
 */
export function isNsupdateType(text: string, version: NsupdateBindVersion = '9.18'): boolean {
  const lower = text.toLowerCase();
  if (NEWER_TYPE_MNEMONICS.has(lower) && !NSUPDATE_VERSIONS[version].newerTypes) return false;
  if (TYPE_MNEMONICS.has(lower)) return true;
  return (
    lower.startsWith('type') &&
    lower.length > 4 &&
    lower.length <= 9 &&
    shortNumber(lower.slice(4)) !== undefined
  );
}

/** BIND's `isc_parse_uint32(…, 10)`: the value, or why not. */
function parseUint32(text: string): number | 'not a valid number' | 'out of range' {
  if (!/^[0-9A-Za-z]/.test(text) || !/^\d+$/.test(text)) return 'not a valid number';
  const value = Number(text);
  return value > 0xffff_ffff ? 'out of range' : value;
}

/**
 * Why BIND's `dns_name_fromtext` (origin: the root) would refuse `text`, in BIND's words
 * (`empty label`, `label too long`, `bad escape`, `bad label type`, `unexpected end of input`,
 * `ran out of space`), or `undefined` when it is a valid name.
 */
export function nsupdateNameProblem(text: string): string | undefined {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return 'unexpected end of input';
  // Remaining room in a 255-byte wire name, as BIND counts it while converting.
  let room = 255;
  let state: 'init' | 'start' | 'ordinary' | 'initial-escape' | 'escape' | 'decimal' | 'at' =
    'init';
  let count = 0;
  let digits = 0;
  let value = 0;
  let done = false;
  let index = 0;
  const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
  while (room > 0 && index < bytes.length && !done) {
    const c = bytes[index] ?? 0;
    index++;
    const last = index === bytes.length;
    if (state === 'init') {
      if (c === 0x2e) {
        if (!last) return 'empty label';
        room--;
        done = true;
        continue;
      }
      if (c === 0x40 && last) {
        state = 'at';
        continue;
      }
      state = 'start';
    }
    if (state === 'start') {
      room--;
      count = 0;
      if (c === 0x5c) {
        state = 'initial-escape';
        continue;
      }
      state = 'ordinary';
      if (room === 0) return 'ran out of space';
    }
    if (state === 'ordinary') {
      if (c === 0x2e) {
        if (count === 0) return 'empty label';
        if (last) {
          room--;
          done = true;
        }
        state = 'start';
      } else if (c === 0x5c) {
        state = 'escape';
      } else {
        if (count >= 63) return 'label too long';
        count++;
        room--;
      }
      continue;
    }
    if (state === 'initial-escape') {
      if (c === 0x5b) return 'bad label type';
      state = 'escape';
    }
    if (state === 'escape') {
      if (!isDigit(c)) {
        if (count >= 63) return 'label too long';
        count++;
        room--;
        state = 'ordinary';
        continue;
      }
      digits = 0;
      value = 0;
      state = 'decimal';
    }
    if (state === 'decimal') {
      if (!isDigit(c)) return 'bad escape';
      value = value * 10 + (c - 0x30);
      digits++;
      if (digits === 3) {
        if (value > 255) return 'bad escape';
        if (count >= 63) return 'label too long';
        count++;
        room--;
        state = 'ordinary';
      }
    }
  }
  if (done) return undefined;
  if (room === 0) return 'ran out of space';
  if (state !== 'ordinary' && state !== 'at') return 'unexpected end of input';
  // The root origin is appended: one more byte.
  return room < 1 ? 'ran out of space' : undefined;
}

/** nsupdate's `parse_hmac`: the algorithm and truncation of a `key`/`-y` hmac name. */
function parseHmacName(
  text: string,
): { algorithm: HmacAlgorithm; bits: number } | { error: string } {
  if (text.length >= 20) return { error: `unknown key type '${text}'` };
  const lower = text.toLowerCase();
  for (const algorithm of [
    'hmac-md5',
    'hmac-sha1',
    'hmac-sha224',
    'hmac-sha256',
    'hmac-sha384',
    'hmac-sha512',
  ] as const) {
    if (lower === algorithm) return { algorithm, bits: 0 };
    if (lower.startsWith(`${algorithm}-`)) {
      const max = DIGEST_BYTES[algorithm] * 8;
      const parsed = parseUint32(text.slice(algorithm.length + 1));
      if (typeof parsed !== 'number' || parsed > max) {
        return { error: `digest-bits out of range [0..${max}]` };
      }
      return { algorithm, bits: (parsed + 7) & ~7 };
    }
  }
  return { error: `unknown key type '${text}'` };
}

// ---------------------------------------------------------------------------------------------
// Line splitting, the way nsupdate's nsu_strsep does it

/** The rest of a command line, consumed word by word. */
class Cursor {
  #text: string;
  #pos: number | undefined;

  constructor(text: string) {
    this.#text = text;
    this.#pos = 0;
  }

  /**
   * The next word (possibly `''` when only blanks remain), or `undefined` when nothing remains.
   * Exactly one delimiter after the word is consumed, as nsupdate's strsep does.
   */
  word(): string | undefined {
    if (this.#pos === undefined) return undefined;
    let start = this.#pos;
    while (start < this.#text.length && isBlank(this.#text[start])) start++;
    let end = start;
    while (end < this.#text.length && !isBlank(this.#text[end])) end++;
    this.#pos = end < this.#text.length ? end + 1 : undefined;
    return this.#text.slice(start, end);
  }

  /** Everything not yet consumed (`undefined` when the line ended after the last word). */
  rest(): string | undefined {
    return this.#pos === undefined ? undefined : this.#text.slice(this.#pos);
  }

  /** What is left, trimmed, if any non-blank text remains. */
  leftover(): string | undefined {
    const rest = this.rest()?.trim();
    return rest ? rest : undefined;
  }
}

function isBlank(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

/** Whether a word is missing (`word == NULL || *word == 0` in nsupdate). */
function missing(word: string | undefined): word is '' | undefined {
  return word === undefined || word === '';
}

// ---------------------------------------------------------------------------------------------
// The parser

class SyntaxFailure {
  constructor(
    readonly nsupdateMessage: string | undefined,
    readonly explanation?: string,
    readonly remedy?: string,
    /** nsupdate prints the message without a newline (its `local` command). */
    readonly noNewline = false,
  ) {}
}

class Unsupported {
  constructor(
    readonly message: string,
    readonly remedy: string,
  ) {}
}

type Outcome<T> = T | SyntaxFailure | Unsupported;

function isFailure<T>(value: Outcome<T>): value is SyntaxFailure | Unsupported {
  return value instanceof SyntaxFailure || value instanceof Unsupported;
}

interface ParserState {
  version: NsupdateBindVersion;
  defaultClass: number;
  /** BIND's `zoneclass`: NONE means "not fixed yet". */
  zoneClass: number;
  defaultTtl: number | undefined;
  checkNames: boolean;
  /** nsupdate 9.20's `check-svcb` (on by default where the version has it). */
  checkSvcb: boolean;
  zoneSet: boolean;
  pending: number[];
}

/** Records the first explicit class of a batch; false on a conflicting one (BIND's setzoneclass). */
function setZoneClass(state: ParserState, rdclass: number): boolean {
  if (state.zoneClass === CLASS_NONE || rdclass === CLASS_NONE) state.zoneClass = rdclass;
  return state.zoneClass === rdclass;
}

/** The zone class, fixing it to the default class if not yet set (BIND's getzoneclass). */
function getZoneClass(state: ParserState): number {
  if (state.zoneClass === CLASS_NONE) state.zoneClass = state.defaultClass;
  return state.zoneClass;
}

/** The zone class without fixing it: the batch's class if set, else the default class. */
function currentZoneClass(state: ParserState): number {
  return state.zoneClass === CLASS_NONE ? state.defaultClass : state.zoneClass;
}

interface LineContext {
  readonly file: string;
  readonly line: number;
  readonly warnings: NsupdateWarning[];
  readonly state: ParserState;
}

function warn(context: LineContext, kind: NsupdateWarningKind, text: string): void {
  context.warnings.push({
    kind,
    line: context.line,
    lines: [context.line],
    message: `${context.file}:${context.line}: ${text}`,
  });
}

function ignoreRest(context: LineContext, cursor: Cursor, what: string): void {
  const left = cursor.leftover();
  if (left !== undefined) {
    warn(context, 'ignored-input', `nsupdate ignores ${describeText(left)} after ${what}`);
  }
}

function describeText(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(shown);
}

/** Warns about `;` and parentheses in record data, which nsupdate takes literally. */
function checkDataText(context: LineContext, rdata: string): void {
  let quoted = false;
  let semicolon = false;
  let parenthesis = false;
  for (let i = 0; i < rdata.length; i++) {
    const c = rdata[i];
    if (c === '\\') {
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ';') {
      semicolon = true;
    } else if (!quoted && (c === '(' || c === ')')) {
      parenthesis = true;
    }
  }
  if (semicolon) {
    warn(
      context,
      'semicolon-in-data',
      "';' in record data is not a comment for nsupdate: it and what follows are part of the data (quote it, or remove the comment)",
    );
  }
  if (parenthesis) {
    warn(
      context,
      'parenthesis-in-data',
      "'(' or ')' in record data is taken literally by nsupdate: a record must be on one line",
    );
  }
}

/** Reads the owner name (nsupdate's parse_name). */
function readOwner(cursor: Cursor): Outcome<string> {
  const word = cursor.word();
  if (missing(word)) return new SyntaxFailure('could not read owner name');
  const problem = nsupdateNameProblem(word);
  if (problem) return new SyntaxFailure(`invalid owner name: ${problem}`);
  return word;
}

/** The record text of a prereq/update line: what follows the keyword(s). */
function recordText(cursor: Cursor): string {
  return (cursor.rest() ?? '').trim();
}

/** nsupdate's parse_rdata: the data text, or undefined when the line has none. */
function readRdata(cursor: Cursor): string | undefined {
  const rest = cursor.rest();
  if (rest === undefined) return undefined;
  const data = rest.replace(/^[ \t\v\f]+/, '');
  return data === '' ? undefined : data;
}

function parsePrereq(
  context: LineContext,
  cursor: Cursor,
  condition: NsupdatePrereqCommand['condition'],
  shorthand: boolean,
): Outcome<NsupdatePrereqCommand> {
  const { state, line } = context;
  const record = recordText(cursor);
  const owner = readOwner(cursor);
  if (isFailure(owner)) return owner;
  const base = { line, record, owner, shorthand };
  if (condition === 'nxdomain' || condition === 'yxdomain') {
    ignoreRest(context, cursor, `the owner of ${condition}`);
    return { kind: 'prereq', condition, ...base };
  }
  const first = cursor.word();
  if (missing(first)) return new SyntaxFailure('could not read class or type');
  let className: string | undefined;
  let type: string;
  let rdataClass: number;
  const explicit = parseNsupdateClass(first);
  if (explicit !== undefined) {
    if (!setZoneClass(state, explicit)) return new SyntaxFailure(`class mismatch: ${first}`);
    const next = cursor.word();
    if (missing(next)) return new SyntaxFailure('could not read type');
    if (!isNsupdateType(next, state.version)) return new SyntaxFailure(`invalid type: ${next}`);
    className = first;
    type = next;
    rdataClass = explicit;
  } else {
    rdataClass = getZoneClass(state);
    if (!isNsupdateType(first, state.version)) return new SyntaxFailure(`invalid type: ${first}`);
    type = first;
  }
  const typeValue = typeNumber(type);
  const typed = { kind: 'prereq' as const, ...base, class: className, type, typeValue, rdataClass };
  if (condition === 'nxrrset') {
    ignoreRest(context, cursor, 'the type of nxrrset (it takes no data)');
    return { ...typed, condition };
  }
  const rdata = readRdata(cursor);
  if (rdata === undefined) return { ...typed, condition, rdata, rdataWire: undefined };
  checkDataText(context, rdata);
  const rdataWire = readData(context, typeValue, rdataClass, rdata);
  if (isFailure(rdataWire)) return rdataWire;
  return { ...typed, condition, rdata, rdataWire };
}

/**
 * Reads record data as nsupdate's parse_rdata does (`dns_rdata_fromtext` with nsupdate's
 * lexer, in the record's class, names relative to the root): the wire form, or nsupdate's
 * `invalid rdata format: …` — or `unsupported` for data of a type BIND reads and this library
 * reads only in the generic form.
 */
function readData(
  context: LineContext,
  type: number,
  rdataClass: number,
  text: string,
): Outcome<Buffer> {
  const parsed = parseRdataLine(type, text, Name.root, rdataClass);
  if (parsed.isOk()) return parsed.value;
  const error = parsed.error;
  let reason = error.bindResult;
  if (reason === undefined && error.kind === 'unsupported-type') {
    const version = context.state.version;
    const known =
      BIND_TYPES.has(type) || (NEWER_TYPES.has(type) && NSUPDATE_VERSIONS[version].newerTypes);
    if (known) {
      return new Unsupported(
        `${context.file}:${context.line}: ${error.message} (nsupdate ${version} reads its presentation form; this library does not yet)`,
        error.remedy || 'write the record data as \\# <length> <hex>',
      );
    }
    reason = 'unknown class/type';
  }
  return new SyntaxFailure(
    `invalid rdata format: ${reason ?? 'syntax error'}`,
    undefined,
    error.message,
  );
}

/** nsupdate's checks of a record it adds, after reading its data (update_addordelete). */
function checkAdd(
  state: ParserState,
  owner: string,
  type: number,
  rdataClass: number,
  rdata: Buffer,
): SyntaxFailure | undefined {
  if (state.checkNames) {
    const name = parseName(owner, Name.root);
    const failure = name.isOk()
      ? checkNamesFailure(name.value, type, rdataClass, rdata)
      : undefined;
    if (failure) {
      return new SyntaxFailure(failure, undefined, 'or turn the check off with `check-names no`');
    }
  }
  if (type === SVCB && state.checkSvcb && NSUPDATE_VERSIONS[state.version].checkSvcb) {
    const name = parseName(owner, Name.root);
    const failure = name.isOk() ? checkSvcbFailure(name.value, rdata) : undefined;
    if (failure) {
      return new SyntaxFailure(failure, undefined, 'or turn the check off with `check-svcb no`');
    }
  }
  if (type === NSEC3PARAM && rdata.length >= 4) {
    const limit = NSUPDATE_VERSIONS[state.version].nsec3paramIterations;
    if (rdata.readUInt16BE(2) > limit) {
      return new SyntaxFailure(`NSEC3PARAM has excessive iterations (> ${limit})`);
    }
  }
  return undefined;
}

const NSEC3PARAM = 51;
const SVCB = 64;

function parseUpdate(
  context: LineContext,
  cursor: Cursor,
  isDelete: boolean,
  shorthand: boolean,
): Outcome<NsupdateUpdateCommand> {
  const { state, line } = context;
  const record = recordText(cursor);
  const owner = readOwner(cursor);
  if (isFailure(owner)) return owner;
  const base = { kind: 'update' as const, line, record, owner, shorthand };
  const deleteName = (className: string | undefined): NsupdateDeleteCommand => ({
    ...base,
    operation: 'delete',
    scope: 'name',
    class: className,
  });

  let word = cursor.word();
  let ttl = 0;
  let ttlFromDefault = false;
  if (missing(word)) {
    if (!isDelete) return new SyntaxFailure('could not read owner ttl');
    return deleteName(undefined);
  }
  const parsedTtl = parseUint32(word);
  if (typeof parsedTtl === 'number') {
    if (!isDelete && parsedTtl > NSUPDATE_TTL_MAX) {
      return new SyntaxFailure(`ttl '${word}' is out of range (0 to ${NSUPDATE_TTL_MAX})`);
    }
    ttl = isDelete ? 0 : parsedTtl;
    word = cursor.word();
  } else if (!isDelete) {
    if (state.defaultTtl === undefined) {
      return new SyntaxFailure(
        `ttl '${word}': ${parsedTtl}`,
        undefined,
        'write a TTL, or set a default with `ttl <seconds>`',
      );
    }
    ttl = state.defaultTtl;
    ttlFromDefault = true;
  }

  // The class or the type.
  if (missing(word)) {
    if (!isDelete) return new SyntaxFailure('could not read class or type');
    return deleteName(undefined);
  }
  let className: string | undefined;
  let type: string;
  let rdataClass: number;
  const explicit = parseNsupdateClass(word);
  // ANY is not a class here: `update delete x. ANY` names the type ANY (nsupdate.c).
  if (explicit !== undefined && explicit !== CLASS_ANY) {
    if (!setZoneClass(state, explicit)) return new SyntaxFailure(`class mismatch: ${word}`);
    className = word;
    const next = cursor.word();
    if (missing(next)) {
      if (!isDelete) return new SyntaxFailure('could not read type');
      return deleteName(className);
    }
    if (!isNsupdateType(next, state.version)) {
      return new SyntaxFailure(`'${next}' is not a valid type: unknown class/type`);
    }
    type = next;
    rdataClass = explicit;
  } else {
    rdataClass = getZoneClass(state);
    if (!isNsupdateType(word, state.version)) {
      return new SyntaxFailure(`'${word}' is not a valid class or type: unknown class/type`);
    }
    type = word;
  }
  const typeValue = typeNumber(type);

  const rdata = readRdata(cursor);
  let rdataWire: Buffer | undefined;
  if (rdata !== undefined) {
    checkDataText(context, rdata);
    const read = readData(context, typeValue, rdataClass, rdata);
    if (isFailure(read)) return read;
    rdataWire = read;
  }
  if (isDelete) {
    const typed = {
      ...base,
      operation: 'delete' as const,
      class: className,
      type,
      typeValue,
      rdataClass,
    };
    return rdata === undefined || rdataWire === undefined
      ? { ...typed, scope: 'rrset' }
      : { ...typed, scope: 'record', rdata, rdataWire };
  }
  if (rdata === undefined || rdataWire === undefined) {
    return new SyntaxFailure('could not read rdata');
  }
  const problem = checkAdd(state, owner, typeValue, rdataClass, rdataWire);
  if (problem) return problem;
  return {
    ...base,
    operation: 'add',
    ttl,
    ttlFromDefault,
    class: className,
    type,
    typeValue,
    rdata,
    rdataWire,
    rdataClass,
    checkNames: state.checkNames,
  };
}

function parsePort(word: string): Outcome<number> {
  if (!/^[+-]?\d+$/.test(word)) return new SyntaxFailure(`port '${word}' is not numeric`);
  const port = Number(word);
  if (port < 1 || port > 65535) {
    return new SyntaxFailure(`port '${word}' is out of range (1 to 65535)`);
  }
  return port;
}

function parseKey(context: LineContext, cursor: Cursor): Outcome<NsupdateKeyCommand> {
  const nameWord = cursor.word();
  if (missing(nameWord)) return new SyntaxFailure('could not read key name');
  let algorithm: HmacAlgorithm = 'hmac-md5';
  let bits = 0;
  let name = nameWord;
  const colon = nameWord.indexOf(':');
  if (colon !== -1) {
    const hmac = parseHmacName(nameWord.slice(0, colon));
    if ('error' in hmac) return new SyntaxFailure(hmac.error);
    algorithm = hmac.algorithm;
    bits = hmac.bits;
    name = nameWord.slice(colon + 1);
  }
  if (nsupdateNameProblem(name)) return new SyntaxFailure('could not parse key name');
  const secretText = cursor.rest();
  if (missing(secretText)) return new SyntaxFailure('could not read key secret');
  const compact = secretText.replace(/[ \t\v\f\r\n]+/g, '');
  if (compact !== '' && !decodeBase64Strict(compact)) {
    return new SyntaxFailure(
      'could not create key from [redacted]: bad base64 encoding',
      undefined,
      'the secret is base64, as tsig-keygen prints it',
    );
  }
  if (compact === '') {
    return new Unsupported(
      `${context.file}:${context.line}: key ${JSON.stringify(name)} has an empty secret (nsupdate accepts it; this library does not)`,
      'give the base64 secret after the key name',
    );
  }
  const full = DIGEST_BYTES[algorithm] * 8;
  const spelled = bits === 0 || bits >= full ? algorithm : `${algorithm}-${bits}`;
  const key = Key.from(
    { name, algorithm: spelled, secret: compact },
    { file: context.file, line: context.line },
  );
  if (key.isErr()) {
    return new Unsupported(
      `${context.file}:${context.line}: key ${JSON.stringify(name)}: ${algorithm} truncated to ${bits} bits is below what BIND accepts (at least half the digest and 80 bits); nsupdate sends it, named refuses it`,
      `use ${algorithm} or ${algorithm}-${Math.max(80, full / 2)} or more`,
    );
  }
  return { kind: 'key', line: context.line, key: key.value };
}

/** Parses one line; `comment` for a comment line. */
function parseLine(
  context: LineContext,
  text: string,
  options: ParseNsupdateOptions,
): Outcome<NsupdateCommand | 'comment'> {
  const { state, line } = context;
  const cursor = new Cursor(text);
  const word = cursor.word();
  if (missing(word)) {
    return { kind: 'send', line, blankLine: true, pendingLines: [], zoneClass: 0 };
  }
  if (word.startsWith(';')) return 'comment';
  const keyword = word.toLowerCase();
  switch (keyword) {
    case 'quit':
      ignoreRest(context, cursor, 'quit');
      return { kind: 'quit', line, discardedLines: [] };
    case 'prereq': {
      const operation = cursor.word();
      if (missing(operation)) return new SyntaxFailure('could not read operation code');
      const condition = operation.toLowerCase();
      if (
        condition !== 'nxdomain' &&
        condition !== 'yxdomain' &&
        condition !== 'nxrrset' &&
        condition !== 'yxrrset'
      ) {
        return new SyntaxFailure(`incorrect operation code: ${operation}`);
      }
      return parsePrereq(context, cursor, condition, false);
    }
    case 'nxdomain':
    case 'yxdomain':
    case 'nxrrset':
    case 'yxrrset':
      return parsePrereq(context, cursor, keyword, true);
    case 'update': {
      const operation = cursor.word();
      if (missing(operation)) return new SyntaxFailure('could not read operation code');
      const verb = operation.toLowerCase();
      if (verb !== 'add' && verb !== 'delete' && verb !== 'del') {
        return new SyntaxFailure(`incorrect operation code: ${operation}`);
      }
      return parseUpdate(context, cursor, verb !== 'add', false);
    }
    case 'delete':
    case 'del':
      return parseUpdate(context, cursor, true, true);
    case 'add':
      return parseUpdate(context, cursor, false, true);
    case 'server': {
      if (options.localOnly) {
        return new SyntaxFailure('cannot reset server in localhost-only mode');
      }
      const host = cursor.word();
      if (missing(host)) return new SyntaxFailure('could not read server name');
      const portWord = cursor.word();
      let port: number | undefined;
      if (!missing(portWord)) {
        const parsed = parsePort(portWord);
        if (isFailure(parsed)) return parsed;
        port = parsed;
      }
      ignoreRest(context, cursor, 'the server port');
      return { kind: 'server', line, host, port };
    }
    case 'local': {
      const address = cursor.word();
      // nsupdate's message for a missing local address really says "server name".
      if (missing(address)) return new SyntaxFailure('could not read server name');
      const portWord = cursor.word();
      let port: number | undefined;
      if (!missing(portWord)) {
        const parsed = parsePort(portWord);
        if (isFailure(parsed)) return parsed;
        port = parsed;
      }
      const family = isIPv6(address) && !address.includes('%') ? 6 : isIPv4(address) ? 4 : 0;
      if (family === 0) {
        return new SyntaxFailure(
          `invalid address ${address}`,
          undefined,
          'local takes a literal IPv4 or IPv6 address',
          true,
        );
      }
      ignoreRest(context, cursor, 'the local port');
      return { kind: 'local', line, address, family, port };
    }
    case 'zone': {
      const zone = cursor.word();
      if (missing(zone)) return new SyntaxFailure('could not read zone name');
      if (nsupdateNameProblem(zone)) return new SyntaxFailure('could not parse zone name');
      ignoreRest(context, cursor, 'the zone name');
      state.zoneSet = true;
      return { kind: 'zone', line, zone };
    }
    case 'class': {
      const className = cursor.word();
      if (missing(className)) return new SyntaxFailure('could not read class name');
      const classValue = parseNsupdateClass(className);
      if (classValue === undefined) {
        return new SyntaxFailure(`could not parse class name: ${className}`);
      }
      if (classValue === CLASS_NONE || classValue === CLASS_ANY || classValue === CLASS_RESERVED0) {
        return new SyntaxFailure(`bad default class: ${className}`);
      }
      ignoreRest(context, cursor, 'the class');
      state.defaultClass = classValue;
      return { kind: 'class', line, className, classValue };
    }
    case 'send':
      ignoreRest(context, cursor, 'send');
      return { kind: 'send', line, blankLine: false, pendingLines: [], zoneClass: 0 };
    case 'show':
      ignoreRest(context, cursor, keyword);
      if (state.zoneSet) getZoneClass(state);
      return { kind: 'show', line, zoneClass: currentZoneClass(state) };
    case 'debug':
    case 'answer':
    case 'version':
    case 'help':
      ignoreRest(context, cursor, keyword);
      return { kind: keyword, line };
    case 'ttl': {
      const ttlWord = cursor.word();
      if (missing(ttlWord)) return new SyntaxFailure('could not read ttl');
      if (ttlWord.toLowerCase() === 'none') {
        ignoreRest(context, cursor, 'ttl none');
        state.defaultTtl = undefined;
        return { kind: 'ttl', line, ttl: undefined };
      }
      const ttl = parseUint32(ttlWord);
      if (typeof ttl !== 'number') {
        // nsupdate prints nothing but "syntax error" here.
        return new SyntaxFailure(undefined, `ttl '${ttlWord}': ${ttl}`);
      }
      if (ttl > NSUPDATE_TTL_MAX) {
        return new SyntaxFailure(`ttl '${ttlWord}' is out of range (0 to ${NSUPDATE_TTL_MAX})`);
      }
      ignoreRest(context, cursor, 'the ttl');
      state.defaultTtl = ttl;
      return { kind: 'ttl', line, ttl };
    }
    case 'key':
      return parseKey(context, cursor);
    case 'check-names':
    case 'checknames': {
      const value = cursor.word();
      if (missing(value)) return new SyntaxFailure('could not read check-names directive');
      const lower = value.toLowerCase();
      let enabled: boolean;
      if (lower === 'yes' || lower === 'true' || lower === 'on') enabled = true;
      else if (lower === 'no' || lower === 'false' || lower === 'off') enabled = false;
      else return new SyntaxFailure(`incorrect check-names directive: ${value}`);
      ignoreRest(context, cursor, 'check-names');
      state.checkNames = enabled;
      return { kind: 'check-names', line, enabled };
    }
    case 'check-svcb':
    case 'checksvcb': {
      // nsupdate 9.20 only; older ones say "incorrect section name" like for any unknown word.
      if (!NSUPDATE_VERSIONS[state.version].checkSvcb) break;
      const value = cursor.word();
      if (missing(value)) return new SyntaxFailure('could not read check-svcb directive');
      const lower = value.toLowerCase();
      let enabled: boolean;
      if (lower === 'yes' || lower === 'true' || lower === 'on') enabled = true;
      else if (lower === 'no' || lower === 'false' || lower === 'off') enabled = false;
      else return new SyntaxFailure(`incorrect check-svcb directive: ${value}`);
      ignoreRest(context, cursor, 'check-svcb');
      state.checkSvcb = enabled;
      return { kind: 'check-svcb', line, enabled };
    }
    case 'gsstsig':
    case 'oldgsstsig':
    case 'realm':
      return new Unsupported(
        `${context.file}:${line}: '${keyword}' (GSS-TSIG, Kerberos) is not supported`,
        'use a TSIG key: `key hmac-sha256:name secret`, or `nsupdate -k`',
      );
  }
  return new SyntaxFailure(`incorrect section name: ${word}`);
}

function syntaxError(file: string, line: number, failure: SyntaxFailure): NsupdateSyntaxError {
  const shown = failure.nsupdateMessage ?? failure.explanation ?? 'syntax error';
  const stderr =
    failure.nsupdateMessage === undefined
      ? 'syntax error\n'
      : `${failure.nsupdateMessage}${failure.noNewline ? '' : '\n'}syntax error\n`;
  return new NsupdateSyntaxError({
    kind: 'syntax',
    message: `${file}:${line}: ${shown}`,
    ...(failure.remedy ? { remedy: failure.remedy } : {}),
    file,
    line,
    nsupdateMessage: failure.nsupdateMessage,
    nsupdateStderr: stderr,
  });
}

/**
 * Parses an nsupdate script (what `nsupdate file` or `nsupdate < file` reads) into commands.
 *
 * Fails on the first line nsupdate would reject (kind `syntax`, with nsupdate's message and
 * exit status 1) or that uses something unsupported here (kind `unsupported`: `gsstsig`,
 * `oldgsstsig`, `realm`, an empty key secret, a key truncation named refuses, lines over
 * nsupdate's 128 KiB buffer). Warnings report what nsupdate silently ignores or drops.
 */
export function parseNsupdateScript(
  text: string,
  options: ParseNsupdateOptions = {},
): Result<NsupdateScript, NsupdateSyntaxError> {
  const file = options.file ?? '<script>';
  const commands: NsupdateCommand[] = [];
  const warnings: NsupdateWarning[] = [];
  const state: ParserState = {
    version: options.bindVersion ?? '9.18',
    defaultClass: CLASS_IN,
    zoneClass: CLASS_NONE,
    defaultTtl: undefined,
    checkNames: true,
    checkSvcb: true,
    zoneSet: false,
    pending: [],
  };
  const lines = text.split('\n');
  // A final newline ends the last line; it does not start another.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1;
    const context: LineContext = { file, line, warnings, state };
    let raw = lines[index] ?? '';
    if (Buffer.byteLength(raw, 'utf8') + 1 > MAX_LINE_BYTES) {
      return Err(
        new NsupdateSyntaxError({
          kind: 'unsupported',
          message: `${file}:${line}: line longer than nsupdate's ${MAX_LINE_BYTES - 1}-byte limit (nsupdate would split it into two commands)`,
          remedy: 'split the record data, or use TXT strings of at most 255 bytes each',
          file,
          line,
        }),
      );
    }
    const nul = raw.indexOf('\0');
    if (nul !== -1) {
      const after = raw.slice(nul + 1).replace(/\r.*$/s, '');
      raw = raw.slice(0, nul);
      if (after.trim()) {
        warn(context, 'ignored-input', 'nsupdate ignores the text after a NUL character');
      }
    }
    const cr = raw.indexOf('\r');
    if (cr !== -1) {
      const after = raw.slice(cr + 1);
      raw = raw.slice(0, cr);
      if (after.replace(/\r/g, '').trim()) {
        warn(context, 'ignored-input', 'nsupdate ignores the text after a carriage return');
      }
    }
    const outcome = parseLine(context, raw, options);
    if (outcome instanceof SyntaxFailure) return Err(syntaxError(file, line, outcome));
    if (outcome instanceof Unsupported) {
      return Err(
        new NsupdateSyntaxError({
          kind: 'unsupported',
          message: outcome.message,
          remedy: outcome.remedy,
          file,
          line,
        }),
      );
    }
    if (outcome === 'comment') continue;
    if (outcome.kind === 'prereq' || outcome.kind === 'update') {
      state.pending.push(line);
      commands.push(outcome);
      continue;
    }
    if (outcome.kind === 'send') {
      const sends = state.pending.length > 0 || state.zoneSet;
      const zoneClass = sends ? getZoneClass(state) : currentZoneClass(state);
      commands.push({ ...outcome, pendingLines: state.pending, zoneClass });
      if (sends) state.zoneClass = CLASS_NONE;
      state.pending = [];
      continue;
    }
    if (outcome.kind === 'quit') {
      commands.push({ ...outcome, discardedLines: state.pending });
      if (state.pending.length > 0) {
        warnings.push({
          kind: 'quit-discards',
          line,
          lines: state.pending,
          message: `${file}:${line}: quit discards the unsent prereq/update lines ${state.pending.join(', ')}; add 'send' (or a blank line) before quit`,
        });
      }
      const after = lines.slice(index + 1).findIndex((rest) => rest.trim() !== '');
      if (after !== -1) {
        warnings.push({
          kind: 'ignored-input',
          line: line + 1 + after,
          lines: [line + 1 + after],
          message: `${file}:${line + 1 + after}: nsupdate stops reading at quit (line ${line}); the rest of the script is ignored`,
        });
      }
      state.pending = [];
      return Ok({ commands, warnings });
    }
    commands.push(outcome);
  }
  if (state.pending.length > 0) {
    const last = Math.max(lines.length, 1);
    warnings.push({
      kind: 'unsent-at-eof',
      line: last,
      lines: state.pending,
      message: `${file}:${last}: the script ends without 'send' or a blank line after lines ${state.pending.join(', ')}: nsupdate silently drops them (exit status 0)`,
    });
  }
  return Ok({ commands, warnings });
}
