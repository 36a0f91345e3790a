/**
 * The SOA serial stored in a zone file on disk, read the way named would load it but without
 * applying the journal: what `named-compilezone -i none -j`-less loading sees.
 *
 * Two formats (BIND 9.18 `masterfile-format`):
 *
 * - **text** (RFC 1035 master file, BIND's dialect): `$ORIGIN`, `$TTL`, `$INCLUDE file [origin]`,
 *   parentheses spanning lines, `;` comments, quoted strings, relative owners, a blank owner
 *   meaning "the previous owner", `@`, class and TTL in either order, TTLs with units, and the
 *   RFC 3597 `\# length hex` form of the SOA RDATA. Only the apex SOA is read; reading stops
 *   as soon as it is found. Other records are tokenised (to find where they end) but not
 *   validated.
 * - **raw** (BIND's binary dump format; inline-signing `.signed` files are always raw): a
 *   header (`format` = 2, `version` 0 or 1, dump time, and with version 1 flags, source serial
 *   and last-transfer time), then RRsets. The RRsets are scanned until the apex SOA.
 *
 * Everything here returns errors as values; nothing throws, whatever the file holds. The work
 * done is bounded: a byte budget over all files read (`maxBytes`), at most
 * `MAX_INCLUDE_DEPTH` nested `$INCLUDE`s, a budget of include files, and include loops
 * are detected by real path.
 *
 * named's user owns the zone directory, so the zone file or an included file may be a FIFO,
 * socket or device planted there: every file is opened with `openRegularFile` (never blocking,
 * refusing anything but a regular file), and reading stops at the caller's deadline or signal.
 */
import type { FileHandle } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { RndcLibraryError } from '../errors.js';
import { type FileProblem, openRegularFile } from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';
import { decodeName, Name, parseName } from '../update/names.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** The format of a zone file (BIND's `masterfile-format`, without the removed `map`). */
export type ZoneFileFormat = 'text' | 'raw';

/** What {@link readZoneFileSerial} found. */
export interface ZoneFileSerial {
  /** SOA serial of the zone apex as stored in the file (the journal is not applied). */
  readonly serial: number;
  /** The format the file was read as. */
  readonly format: ZoneFileFormat;
  /**
   * Raw files only: the header's dump time, i.e. when named (or named-compilezone) wrote the
   * file, to the second. `undefined` for text files.
   */
  readonly dumpTime: Date | undefined;
  /**
   * Raw files only, and only when the header says it is set: the serial of the zone this one
   * was made from. For an inline-signing `.signed` file, the unsigned zone's serial.
   */
  readonly sourceSerial?: number;
  /** Raw files only, when the header says it is set: the last incoming transfer (secondaries). */
  readonly lastTransfer?: Date;
  /** Raw files only: the header version (0 = pre-9.9 compatible, 1 = current). */
  readonly rawVersion?: 0 | 1;
  /** The file read, as an absolute path. */
  readonly path: string;
  /**
   * Text files: the `$INCLUDE`d files opened before the SOA was found (absolute paths, in the
   * order they were opened). Files included after the SOA are not read and not listed.
   */
  readonly includes: string[];
}

/** Why a zone file's serial could not be read. */
export type ZoneFileErrorKind =
  /** The file (or an included file) exists but could not be read (permissions, a directory…). */
  | 'unreadable'
  /** The file (or an included file) does not exist. */
  | 'not-found'
  /**
   * The file (or an included file) is a FIFO, socket or device, not a regular file: something
   * replaced it (named's user owns the directory). It is never opened for reading.
   */
  | 'not-regular'
  /** The caller's deadline passed or its signal aborted before the SOA was found. */
  | 'timeout'
  /** Text the way named would reject it, up to and including the SOA. */
  | 'syntax'
  /** The whole file was read and there is no SOA at the zone apex. */
  | 'no-soa'
  /** A raw file with a bad header, a truncated or malformed RRset, or not raw at all. */
  | 'bad-raw'
  /** More than `maxBytes` read before the SOA, or too many include files. */
  | 'too-large'
  /** `$INCLUDE` of a file already being read, or nesting deeper than `MAX_INCLUDE_DEPTH`. */
  | 'include-loop'
  /** A bad option (origin that is not a domain name, unknown class…). */
  | 'invalid-argument';

/** A zone file that could not be read. `file` and `line` say where, when known. */
export class ZoneFileError extends RndcLibraryError<ZoneFileErrorKind> {
  /** The file where the problem is (an included file, for problems inside it). */
  readonly file: string | undefined;
  /** 1-based line in `file` (text files), when known. */
  readonly line: number | undefined;
  /** Byte offset in `file` (raw files), when known. */
  readonly offset: number | undefined;

  constructor(details: {
    kind: ZoneFileErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    file?: string;
    line?: number;
    offset?: number;
  }) {
    super(details);
    this.file = details.file;
    this.line = details.line;
    this.offset = details.offset;
  }
}

/** Options of {@link readZoneFileSerial}. */
export interface ReadZoneFileOptions {
  /** The zone's name (its origin), with or without the trailing dot. */
  readonly origin: string;
  /**
   * `'text'`, `'raw'` or `'auto'` (default): a file starting with a NUL byte is taken as raw
   * (a text zone file never can: named rejects NUL outside comments), anything else as text.
   */
  readonly format?: 'text' | 'raw' | 'auto' | undefined;
  /**
   * Directory that relative `$INCLUDE` paths are resolved against. named opens them relative
   * to its working directory, which is its `options { directory }` (named `chdir`s there), NOT
   * relative to the including file; named-compilezone uses its own working directory. Pass
   * named's directory for files named loads. Default: the directory of the zone file (right
   * when the zone file sits in named's directory, the common layout).
   */
  readonly baseDir?: string | undefined;
  /** The zone's class: `IN` (default), `CH`, `HS`, or `CLASSnnn`. */
  readonly class?: string | undefined;
  /**
   * Most bytes read, over all files, before giving up with `too-large`. Default 64 MiB. Only
   * what precedes the SOA is read, so this bounds hostile or absurd files, not normal zones.
   */
  readonly maxBytes?: number | undefined;
  /** Most `$INCLUDE` files opened. Default 256. */
  readonly maxIncludes?: number | undefined;
  /**
   * Absolute deadline (`Date.now()` milliseconds): reading stops with `timeout` when it passes.
   * Checked before every open and read; a read stuck in the kernel is not interrupted (callers
   * that must return by a deadline race this with it).
   */
  readonly deadline?: number | undefined;
  /** Stops reading with `timeout` when aborted. */
  readonly signal?: AbortSignal | undefined;
}

/** Deepest `$INCLUDE` nesting accepted (the zone file itself is depth 0). */
export const MAX_INCLUDE_DEPTH = 10;

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_INCLUDES = 256;
/** One token longer than this cannot be valid (RDATA is at most 65535 bytes). */
const MAX_TOKEN_CHARS = 256 * 1024;
const CHUNK_BYTES = 64 * 1024;
const TYPE_SOA = 6;
/** `dns_masterformat_raw` (lib/dns/include/dns/types.h). */
const RAW_FORMAT = 2;
/** `DNS_MASTERRAW_SOURCESERIALSET`, `DNS_MASTERRAW_LASTXFRINSET` (dns/master.h). */
const RAW_SOURCESERIALSET = 0x02;
const RAW_LASTXFRINSET = 0x04;

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Reads the SOA serial of a zone file without applying its journal.
 *
 * Use it to tell whether named has written its in-memory zone to disk: compare with
 * `rndc zonestatus` `serial:` (or `signed serial:` against the `.signed` file of an
 * inline-signing zone).
 *
 * Text files are read as BIND 9.18 loads them, up to the first SOA record at the zone apex:
 * a syntax error before it is reported, an SOA of a name below the apex is an error (named:
 * "SOA record not at top of zone"), an SOA of an out-of-zone name is ignored (named ignores
 * out-of-zone data). Records other than the SOA are not validated, and `$GENERATE` lines are
 * skipped (they are assumed not to generate the apex SOA). With two apex SOA records (which
 * named rejects), the first is reported.
 *
 * Never throws.
 *
 * @param path - the zone file (relative paths resolve against the process's working directory)
 * @example
 * const read = await readZoneFileSerial('/var/lib/bind/dyn.example.com.zone', { origin: 'dyn.example.com' });
 * if (read.isOk()) console.log(read.value.serial);
 */
export async function readZoneFileSerial(
  path: string,
  options: ReadZoneFileOptions,
): Promise<Result<ZoneFileSerial, ZoneFileError>> {
  try {
    return await readSerial(path, options);
  } catch (error) {
    // Not expected: every step returns its errors. Keep the "never throws" contract anyway.
    return Err(
      new ZoneFileError({
        kind: 'unreadable',
        message: `${path}: unexpected failure while reading: ${String(error)}`,
        cause: error,
        file: path,
      }),
    );
  }
}

async function readSerial(
  path: string,
  options: ReadZoneFileOptions,
): Promise<Result<ZoneFileSerial, ZoneFileError>> {
  const absolute = resolve(path);
  const origin = parseName(options.origin, Name.root);
  if (origin.isErr()) {
    return Err(
      new ZoneFileError({
        kind: 'invalid-argument',
        message: `origin ${JSON.stringify(options.origin)} is not a domain name: ${origin.error.message}`,
      }),
    );
  }
  const zoneClass = classFromText(options.class ?? 'IN');
  if (zoneClass === undefined) {
    return Err(
      new ZoneFileError({
        kind: 'invalid-argument',
        message: `class ${JSON.stringify(options.class)} is not a DNS class`,
        remedy: 'use IN, CH, HS or CLASSnnn',
      }),
    );
  }
  const format = options.format ?? 'auto';
  if (format !== 'text' && format !== 'raw' && format !== 'auto') {
    return Err(
      new ZoneFileError({
        kind: 'invalid-argument',
        message: `format must be 'text', 'raw' or 'auto', not ${JSON.stringify(format)}`,
      }),
    );
  }
  const maxBytes = positiveOr(options.maxBytes, DEFAULT_MAX_BYTES);
  const maxIncludes = nonNegativeOr(options.maxIncludes, DEFAULT_MAX_INCLUDES);
  const limits: ReadLimits = {
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
    ...(options.signal !== undefined ? { signal: options.signal } : {}),
  };

  const opened = await openFile(absolute, limits);
  if (opened.isErr()) return opened;
  const handle = opened.value;
  let closeHandle = true;
  try {
    let kind: ZoneFileFormat = format === 'auto' ? 'text' : format;
    if (format === 'auto') {
      const first = await readAt(handle, 0, 1, absolute, limits);
      if (first.isErr()) return first;
      if (first.value.length === 1 && first.value[0] === 0) kind = 'raw';
    }
    if (kind === 'raw') {
      return await readRaw(handle, absolute, origin.value, zoneClass, maxBytes, limits);
    }
    closeHandle = false; // the text reader owns (and closes) it
    return await readText(handle, absolute, {
      zone: origin.value,
      zoneClass,
      baseDir: options.baseDir === undefined ? dirname(absolute) : resolve(options.baseDir),
      budget: { bytes: maxBytes, maxBytes, includes: maxIncludes, limits },
    });
  } finally {
    if (closeHandle) await handle.close().catch(() => undefined);
  }
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : fallback;
}

function nonNegativeOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

// ---------------------------------------------------------------------------------------------
// File access

/** When reading must stop: the caller's deadline and signal. */
interface ReadLimits {
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

function expired(limits: ReadLimits): boolean {
  return (
    limits.signal?.aborted === true ||
    (limits.deadline !== undefined && Date.now() >= limits.deadline)
  );
}

function timeoutError(path: string): ZoneFileError {
  return new ZoneFileError({
    kind: 'timeout',
    message: `reading ${path} did not finish before the deadline`,
    causes: ['a slow or hung file system', 'the caller gave up (deadline or signal)'],
    file: path,
  });
}

/** Opens a zone file or an included file: only a regular file, never blocking. */
async function openFile(
  path: string,
  limits: ReadLimits,
  includedFrom?: { file: string; line: number },
): Promise<Result<FileHandle, ZoneFileError>> {
  if (expired(limits)) return Err(timeoutError(path));
  const opened = await openRegularFile(path);
  if (opened.isOk()) return Ok(opened.value.handle);
  return Err(openError(opened.error, includedFrom));
}

/** A {@link FileProblem} of the zone file or of an included file as a ZoneFileError. */
function openError(
  problem: FileProblem,
  includedFrom: { file: string; line: number } | undefined,
): ZoneFileError {
  const { path } = problem;
  switch (problem.kind) {
    case 'not-found':
      return fileError('not-found', path, 'does not exist', undefined, includedFrom);
    case 'not-regular': {
      if (problem.type === 'directory') {
        return fileError('unreadable', path, 'is a directory', undefined, includedFrom);
      }
      const where = includedFrom ? `${includedFrom.file}:${includedFrom.line}: $INCLUDE ` : '';
      const what = includedFrom ? 'a file the zone includes' : 'the zone file';
      return new ZoneFileError({
        kind: 'not-regular',
        message: `${where}${path} is a ${problem.type}, not a regular file: something replaced ${what}`,
        causes: [
          "another process running as named's user put it there (that user owns the zone directory)",
          'a mistaken deployment (a volume or device mounted over the file)',
        ],
        remedy: `remove it and find out what created it; named keeps the zone in memory, so \`rndc sync ZONE\` writes a regular zone file again (${includedFrom ? 'the dump inlines what was included' : 'named renames its dump over it'}); named cannot load the zone from it at its next start`,
        file: includedFrom?.file ?? path,
        ...(includedFrom ? { line: includedFrom.line } : {}),
      });
    }
    case 'changed':
      return fileError(
        'unreadable',
        path,
        'was replaced while it was being opened',
        undefined,
        includedFrom,
      );
    case 'timeout':
      return timeoutError(path);
    case 'too-large':
      // openRegularFile has no size bound; kept for completeness.
      return fileError(
        'unreadable',
        path,
        `is too large (${problem.size} bytes)`,
        undefined,
        includedFrom,
      );
    case 'unreadable':
      if (problem.code === 'EISDIR') {
        return fileError('unreadable', path, 'is a directory', problem.cause, includedFrom);
      }
      return fileError(
        'unreadable',
        path,
        `cannot be opened (${problem.code})`,
        problem.cause,
        includedFrom,
      );
  }
}

function fileError(
  kind: 'not-found' | 'unreadable',
  path: string,
  what: string,
  cause: unknown,
  includedFrom: { file: string; line: number } | undefined,
): ZoneFileError {
  const where = includedFrom ? `${includedFrom.file}:${includedFrom.line}: $INCLUDE ` : '';
  return new ZoneFileError({
    kind,
    message: `${where}${path} ${what}`,
    causes:
      kind === 'not-found'
        ? includedFrom
          ? [
              'relative $INCLUDE paths are resolved against named\'s directory (the "baseDir" option), not the including file',
            ]
          : ['wrong path, or named has not written the file yet']
        : ['permissions (named may run as another user)', 'the path is a directory'],
    cause,
    file: includedFrom?.file ?? path,
    ...(includedFrom ? { line: includedFrom.line } : {}),
  });
}

async function readAt(
  handle: FileHandle,
  position: number,
  length: number,
  path: string,
  limits: ReadLimits,
): Promise<Result<Buffer, ZoneFileError>> {
  try {
    const buffer = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      if (expired(limits)) return Err(timeoutError(path));
      const { bytesRead } = await handle.read(buffer, got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return Ok(buffer.subarray(0, got));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return Err(
      new ZoneFileError({
        kind: 'unreadable',
        message: `${path}: read failed (${code ?? String(error)})`,
        cause: error,
        file: path,
      }),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Raw format (lib/dns/master.c load_header/load_raw, lib/dns/masterdump.c writeheader)

/** The header of a raw zone file. */
export interface RawZoneHeader {
  /** 0 (12-byte header: format, version, dump time) or 1 (24 bytes: + flags, serial, xfr time). */
  readonly version: 0 | 1;
  /** Seconds since the epoch when the file was written. */
  readonly dumpTime: number;
  /** Header flags (1 = compat, 2 = source serial set, 4 = last transfer set); 0 in version 0. */
  readonly flags: number;
  /** Source serial; meaningful only when `flags & 2`. */
  readonly sourceSerial: number;
  /** Last incoming transfer, seconds since the epoch; meaningful only when `flags & 4`. */
  readonly lastXfrIn: number;
  /** Length of the header in bytes: where the first RRset starts. */
  readonly length: 12 | 24;
}

/**
 * Decodes the header at the start of a raw zone file: big-endian 32-bit `format` (must be 2 =
 * raw), `version`, `dumptime`, and for version 1 also `flags`, `sourceserial`, `lastxfrin`
 * (BIND 9.18 `dns_masterrawheader_t`, written field by field, packed). Never throws.
 *
 * @param bytes - at least the first 24 bytes of the file (12 suffice for version 0)
 */
export function parseRawZoneHeader(bytes: Uint8Array): Result<RawZoneHeader, ZoneFileError> {
  const bad = (message: string) => Err(new ZoneFileError({ kind: 'bad-raw', message, offset: 0 }));
  if (bytes.length < 8) return bad(`raw header cut off: ${bytes.length} of at least 12 bytes`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const format = view.readUInt32BE(0);
  if (format !== RAW_FORMAT) {
    if (format === 3) {
      return bad(
        'this is a "map" format zone file (BIND 9.10-9.16), which BIND 9.18 no longer reads',
      );
    }
    return bad(`not a raw zone file: format field is ${format}, raw is ${RAW_FORMAT}`);
  }
  const version = view.readUInt32BE(4);
  if (version !== 0 && version !== 1) {
    return bad(`unsupported raw format version ${version} (BIND 9.18 reads 0 and 1)`);
  }
  const length = version === 0 ? 12 : 24;
  if (bytes.length < length) {
    return bad(`raw header cut off: ${bytes.length} of ${length} bytes`);
  }
  const dumpTime = view.readUInt32BE(8);
  if (version === 0) {
    return Ok({ version, dumpTime, flags: 0, sourceSerial: 0, lastXfrIn: 0, length: 12 });
  }
  return Ok({
    version,
    dumpTime,
    flags: view.readUInt32BE(12),
    sourceSerial: view.readUInt32BE(16),
    lastXfrIn: view.readUInt32BE(20),
    length: 24,
  });
}

/** Buffered positional reads of one file. */
class WindowReader {
  #window: Buffer = Buffer.alloc(0);
  #start = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly limits: ReadLimits,
  ) {}

  /** `length` bytes at `position`, fewer at the end of the file. */
  async bytes(position: number, length: number): Promise<Result<Buffer, ZoneFileError>> {
    const end = position + length;
    if (position >= this.#start && end <= this.#start + this.#window.length) {
      return Ok(this.#window.subarray(position - this.#start, end - this.#start));
    }
    const read = await readAt(
      this.handle,
      position,
      Math.max(length, CHUNK_BYTES),
      this.path,
      this.limits,
    );
    if (read.isErr()) return read;
    this.#window = read.value;
    this.#start = position;
    return Ok(this.#window.subarray(0, Math.min(length, this.#window.length)));
  }
}

async function readRaw(
  handle: FileHandle,
  path: string,
  zone: Name,
  zoneClass: number,
  maxBytes: number,
  limits: ReadLimits,
): Promise<Result<ZoneFileSerial, ZoneFileError>> {
  const size = await handle
    .stat()
    .then((s) => s.size)
    .catch(() => undefined);
  if (size === undefined) {
    return Err(
      new ZoneFileError({ kind: 'unreadable', message: `${path}: stat failed`, file: path }),
    );
  }
  const reader = new WindowReader(handle, path, limits);
  const bad = (message: string, offset: number) =>
    Err(
      new ZoneFileError({
        kind: 'bad-raw',
        message: `${path}: ${message} (at byte ${offset})`,
        causes: ['the file is truncated or damaged', 'it is not a raw zone file'],
        remedy: 'check it with named-compilezone -f raw -F text -o - ZONE FILE',
        file: path,
        offset,
      }),
    );

  const head = await reader.bytes(0, 24);
  if (head.isErr()) return head;
  const header = parseRawZoneHeader(head.value);
  if (header.isErr()) {
    const error = header.error;
    return Err(
      new ZoneFileError({
        kind: 'bad-raw',
        message: `${path}: ${error.message}`,
        remedy: "use format 'text' or 'auto' for text zone files",
        file: path,
        offset: 0,
      }),
    );
  }

  // Each RRset (masterdump.c dump_rdataset_raw): u32 total length (including itself), u16 class,
  // u16 type, u16 covers, u32 TTL, u32 RR count, u16 owner length + uncompressed owner, then per
  // RR u16 length + uncompressed RDATA. The owner is absolute (the dump iterator uses no
  // relative names for raw). load_raw rejects any inconsistency; so do we.
  let position: number = header.value.length;
  for (;;) {
    if (position === size) {
      return Err(
        new ZoneFileError({
          kind: 'no-soa',
          message: `${path}: no SOA record for ${zone.toString()} in the raw file`,
          causes: ['the origin given is not the zone in this file', 'the file is damaged'],
          file: path,
        }),
      );
    }
    if (position > maxBytes) {
      return Err(
        new ZoneFileError({
          kind: 'too-large',
          message: `${path}: no apex SOA in the first ${maxBytes} bytes`,
          remedy: 'raise maxBytes if the file is genuinely that large',
          file: path,
        }),
      );
    }
    const fixed = await reader.bytes(position, 20 + 255);
    if (fixed.isErr()) return fixed;
    const rr = fixed.value;
    if (rr.length < 4) return bad('RRset length cut off', position);
    const total = rr.readUInt32BE(0);
    if (total < 18) return bad(`RRset length ${total} is below the 18-byte minimum`, position);
    if (position + total > size) {
      return bad(`RRset of ${total} bytes runs past the end of the file (${size} bytes)`, position);
    }
    if (total < 20 || rr.length < 20) return bad('RRset header cut off', position);
    const rdclass = rr.readUInt16BE(4);
    const type = rr.readUInt16BE(6);
    const count = rr.readUInt32BE(14);
    if (count === 0 || count > 0xffff) return bad(`RRset with ${count} records`, position);
    if (rdclass !== zoneClass) {
      return bad(`RRset of class ${rdclass}, the zone's class is ${zoneClass}`, position);
    }
    const nameLength = rr.readUInt16BE(18);
    if (nameLength > 255 || 20 + nameLength > total || 20 + nameLength > rr.length) {
      return bad(`owner name length ${nameLength} does not fit the RRset`, position);
    }
    const owner = decodeName(rr.subarray(20, 20 + nameLength), 0, { compression: false });
    if (owner.isErr() || owner.value.end !== nameLength) {
      return bad(`bad owner name${owner.isErr() ? `: ${owner.error.message}` : ''}`, position);
    }
    if (type === TYPE_SOA && owner.value.name.equals(zone)) {
      // The RRset's length comes from the file: reading (and allocating) it must stay within
      // maxBytes like everything else, or a damaged file could ask for gigabytes.
      if (position + total > maxBytes) {
        return Err(
          new ZoneFileError({
            kind: 'too-large',
            message: `${path}: the apex SOA RRset at byte ${position} claims ${total} bytes, past the ${maxBytes}-byte limit`,
            causes: ['the file is damaged', 'it is not a raw zone file'],
            remedy: 'raise maxBytes if the file is genuinely that large',
            file: path,
            offset: position,
          }),
        );
      }
      const body = await reader.bytes(position + 20 + nameLength, total - 20 - nameLength);
      if (body.isErr()) return body;
      const records = splitRdatas(body.value, count);
      if (typeof records === 'string') return bad(records, position);
      const serial = soaSerialFromWire(records[0]!);
      if (typeof serial === 'string') return bad(`SOA RDATA: ${serial}`, position);
      const h = header.value;
      return Ok({
        serial,
        format: 'raw',
        dumpTime: new Date(h.dumpTime * 1000),
        ...((h.flags & RAW_SOURCESERIALSET) !== 0 ? { sourceSerial: h.sourceSerial } : {}),
        ...((h.flags & RAW_LASTXFRINSET) !== 0
          ? { lastTransfer: new Date(h.lastXfrIn * 1000) }
          : {}),
        rawVersion: h.version,
        path,
        includes: [],
      });
    }
    position += total;
  }
}

/** The `count` RDATAs of a raw RRset body (u16 length + data each), which must fill it exactly. */
function splitRdatas(body: Buffer, count: number): Buffer[] | string {
  const out: Buffer[] = [];
  let pos = 0;
  for (let i = 0; i < count; i++) {
    if (pos + 2 > body.length) return `record ${i + 1} of ${count}: length cut off`;
    const length = body.readUInt16BE(pos);
    if (pos + 2 + length > body.length) return `record ${i + 1} of ${count}: RDATA cut off`;
    out.push(body.subarray(pos + 2, pos + 2 + length));
    pos += 2 + length;
  }
  if (pos !== body.length) return `${body.length - pos} stray bytes after the records`;
  return out;
}

/** SOA RDATA in wire form (uncompressed MNAME, RNAME, five u32): the serial, or why not. */
function soaSerialFromWire(rdata: Uint8Array): number | string {
  const mname = decodeName(rdata, 0, { compression: false });
  if (mname.isErr()) return `MNAME: ${mname.error.message}`;
  const rname = decodeName(rdata, mname.value.end, { compression: false });
  if (rname.isErr()) return `RNAME: ${rname.error.message}`;
  const rest = rdata.length - rname.value.end;
  if (rest !== 20) return `${rest} bytes after the names; an SOA has 20`;
  const at = rname.value.end;
  return (
    ((rdata[at]! << 24) | (rdata[at + 1]! << 16) | (rdata[at + 2]! << 8) | rdata[at + 3]!) >>> 0
  );
}

// ---------------------------------------------------------------------------------------------
// Text format: tokeniser (BIND's isc_lex as configured by master.c: specials ( ) " NUL,
// `;` comments, escapes, parentheses suppressing end of line)

type TokenType = 'string' | 'qstring' | 'eol' | 'eof' | 'ws';

interface Token {
  readonly type: TokenType;
  /** Token text; latin1 (one char per byte), backslash escapes kept, as BIND passes it on. */
  readonly text: string;
  readonly line: number;
}

enum State {
  Start,
  String,
  QString,
  Comment,
  CarriageReturn,
}

/**
 * A push tokenizer: feed it chunks of the file (as latin1 strings) and it appends tokens. Its
 * state carries over between chunks, so tokens may span chunk boundaries.
 */
class Lexer {
  line = 1;
  error: { message: string; line: number } | undefined;
  #parens = 0;
  #lastWasEol = true;
  #state = State.Start;
  #escaped = false;
  #pending = '';
  #tokenLine = 0;

  feed(chunk: string, out: Token[]): void {
    let start = -1; // start of the current token's text within `chunk`
    if (this.#state === State.String || this.#state === State.QString) start = 0;
    const length = chunk.length;
    for (let i = 0; i < length && !this.error; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) this.line++;
      // One character may be looked at twice: once to end a token, once in the start state.
      for (;;) {
        switch (this.#state) {
          case State.Start:
            start = this.#start(c, i, out);
            break;
          case State.String: {
            const terminates =
              c === 0x0a ||
              c === 0x0d ||
              (!this.#escaped &&
                (c === 0x20 || c === 0x09 || c === 0x28 || c === 0x29 || c === 0x22 || c === 0));
            if (terminates || (!this.#escaped && c === 0x3b)) {
              this.#emit('string', this.#pending + chunk.slice(start, i), out);
              start = -1;
              if (c === 0x3b) {
                this.#state = State.Comment;
                break;
              }
              this.#state = State.Start;
              continue;
            }
            this.#escaped = !this.#escaped && c === 0x5c;
            break;
          }
          case State.QString:
            if (c === 0x22 && !this.#escaped) {
              this.#emit('qstring', unescapeQuotes(this.#pending + chunk.slice(start, i)), out);
              start = -1;
              this.#state = State.Start;
              break;
            }
            if (c === 0x0a && !this.#escaped) {
              // isc_lex without ISC_LEXOPT_QSTRINGMULTILINE: ISC_R_UNBALANCEDQUOTES.
              this.error = { message: 'quoted string not closed on its line', line: this.line - 1 };
              break;
            }
            this.#escaped = !this.#escaped && c === 0x5c;
            break;
          case State.Comment:
            if (c === 0x0a) {
              this.#state = State.Start;
              continue;
            }
            break;
          case State.CarriageReturn:
            // "\r\n" and a lone "\r" both end a line.
            this.#emit('eol', '', out);
            this.#lastWasEol = true;
            this.#state = State.Start;
            if (c === 0x0a) break;
            continue;
        }
        break;
      }
    }
    if (start >= 0 && !this.error) {
      this.#pending += chunk.slice(start);
      if (this.#pending.length > MAX_TOKEN_CHARS) {
        this.error = {
          message: `token longer than ${MAX_TOKEN_CHARS} characters`,
          line: this.#tokenLine,
        };
      }
    } else if (start < 0) {
      this.#pending = '';
    }
  }

  /** End of input: flush the last token, check balance, append `eof`. */
  finish(out: Token[]): void {
    if (this.error) return;
    switch (this.#state) {
      case State.String:
        this.#emit('string', this.#pending, out);
        break;
      case State.QString:
        this.error = { message: 'quoted string not closed at end of file', line: this.#tokenLine };
        return;
      case State.CarriageReturn:
        this.#emit('eol', '', out);
        break;
      default:
        break;
    }
    this.#state = State.Start;
    if (this.#parens !== 0) {
      this.error = { message: 'unbalanced parentheses at end of file', line: this.line };
      return;
    }
    this.#emit('eof', '', out);
  }

  /** Handles `c` in the start state; returns the token start index if one begins at `i`. */
  #start(c: number, i: number, out: Token[]): number {
    switch (c) {
      case 0x0a:
        if (this.#parens === 0) this.#emit('eol', '', out, this.line - 1);
        this.#lastWasEol = true;
        return -1;
      case 0x0d:
        if (this.#parens === 0) this.#state = State.CarriageReturn;
        return -1;
      case 0x20:
      case 0x09:
        // Leading white space means "same owner as before" (ISC_LEXOPT_INITIALWS), but not
        // inside parentheses.
        if (this.#lastWasEol && this.#parens === 0) {
          this.#lastWasEol = false;
          this.#emit('ws', '', out);
        }
        return -1;
      case 0x28:
        this.#lastWasEol = false;
        this.#parens++;
        return -1;
      case 0x29:
        this.#lastWasEol = false;
        if (this.#parens === 0) {
          this.error = { message: 'unbalanced parentheses: ")" without "("', line: this.line };
          return -1;
        }
        this.#parens--;
        return -1;
      case 0x3b:
        this.#state = State.Comment;
        return -1;
      case 0:
        this.error = {
          message: 'NUL byte in a text zone file (is it a raw file?)',
          line: this.line,
        };
        return -1;
      case 0x22:
        this.#lastWasEol = false;
        this.#state = State.QString;
        this.#escaped = false;
        this.#pending = '';
        this.#tokenLine = this.line;
        return i + 1;
      default:
        this.#lastWasEol = false;
        this.#state = State.String;
        this.#escaped = c === 0x5c;
        this.#pending = '';
        this.#tokenLine = this.line;
        return i;
    }
  }

  #emit(type: TokenType, text: string, out: Token[], line?: number): void {
    if (text.length > MAX_TOKEN_CHARS) {
      this.error = {
        message: `token longer than ${MAX_TOKEN_CHARS} characters`,
        line: this.#tokenLine,
      };
      return;
    }
    const at = line ?? (type === 'string' || type === 'qstring' ? this.#tokenLine : this.line);
    out.push({ type, text, line: at });
    this.#pending = '';
  }
}

/** Inside a quoted string BIND drops the backslash of `\"` and keeps every other escape. */
function unescapeQuotes(raw: string): string {
  if (!raw.includes('\\"')) return raw;
  let out = '';
  let escaped = false;
  for (const ch of raw) {
    if (ch === '"' && escaped) out = `${out.slice(0, -1)}"`;
    else out += ch;
    escaped = !escaped && ch === '\\';
    if (ch === '"') escaped = false;
  }
  return out;
}

/** Tokens of one file, read in chunks as needed, within the shared byte budget. */
class TokenStream {
  readonly #lexer = new Lexer();
  #queue: Token[] = [];
  #next = 0;
  #position = 0;
  #done = false;
  #overBudget = false;
  #pushedBack: Token | undefined;

  constructor(
    readonly handle: FileHandle,
    readonly path: string,
    private readonly budget: Budget,
  ) {}

  async next(): Promise<Result<Token, ZoneFileError>> {
    if (this.#pushedBack) {
      const token = this.#pushedBack;
      this.#pushedBack = undefined;
      return Ok(token);
    }
    while (this.#next >= this.#queue.length) {
      if (this.#lexer.error)
        return Err(this.#syntax(this.#lexer.error.message, this.#lexer.error.line));
      if (this.#done) return Ok({ type: 'eof', text: '', line: this.#lexer.line });
      this.#queue = [];
      this.#next = 0;
      const filled = await this.#fill();
      if (filled.isErr()) return filled;
    }
    return Ok(this.#queue[this.#next++]!);
  }

  unget(token: Token): void {
    this.#pushedBack = token;
  }

  async close(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }

  #syntax(message: string, line: number): ZoneFileError {
    return syntaxError(this.path, line, message);
  }

  async #fill(): Promise<Result<void, ZoneFileError>> {
    if (this.#overBudget) {
      return Err(
        new ZoneFileError({
          kind: 'too-large',
          message: `${this.path}: read ${this.budget.maxBytes} bytes without finding the apex SOA`,
          remedy: 'raise maxBytes if the zone is genuinely that large and its SOA comes late',
          file: this.path,
          line: this.#lexer.line,
        }),
      );
    }
    // One byte more than the budget allows tells "exactly at the end" from "more to come".
    const want = Math.min(CHUNK_BYTES, this.budget.bytes + 1);
    const read = await readAt(this.handle, this.#position, want, this.path, this.budget.limits);
    if (read.isErr()) return read;
    let chunk = read.value;
    const atEnd = chunk.length < want;
    if (!atEnd && chunk.length > this.budget.bytes) {
      chunk = chunk.subarray(0, this.budget.bytes);
      this.#overBudget = true;
    }
    this.#position += chunk.length;
    this.budget.bytes -= chunk.length;
    if (chunk.length > 0) this.#lexer.feed(chunk.toString('latin1'), this.#queue);
    if (atEnd) {
      this.#done = true;
      this.#lexer.finish(this.#queue);
    }
    if (this.#lexer.error && this.#next >= this.#queue.length) {
      return Err(this.#syntax(this.#lexer.error.message, this.#lexer.error.line));
    }
    return Ok(undefined);
  }
}

interface Budget {
  /** Bytes that may still be read. */
  bytes: number;
  readonly maxBytes: number;
  /** Include files that may still be opened. */
  includes: number;
  /** When reading must stop (every file of one read shares them). */
  readonly limits: ReadLimits;
}

function syntaxError(file: string, line: number, message: string, remedy?: string): ZoneFileError {
  return new ZoneFileError({
    kind: 'syntax',
    message: `${file}:${line}: ${message}`,
    ...(remedy ? { remedy } : {}),
    causes: ['named would refuse to load this file too (check with named-checkzone)'],
    file,
    line,
  });
}

// ---------------------------------------------------------------------------------------------
// Text format: the loader (master.c load_text, reduced to what finding the apex SOA needs)

interface TextContext {
  readonly zone: Name;
  readonly zoneClass: number;
  readonly baseDir: string;
  readonly budget: Budget;
}

interface Frame {
  readonly tokens: TokenStream;
  readonly path: string;
  readonly realPath: string;
  /** `$ORIGIN`; each included file starts with its own (master.c incctx). */
  origin: Name;
  /** The last owner written out, for lines starting with white space. */
  current: Name | undefined;
}

async function readText(
  handle: FileHandle,
  path: string,
  context: TextContext,
): Promise<Result<ZoneFileSerial, ZoneFileError>> {
  const realPath = await realpath(path).catch(() => path);
  const stack: Frame[] = [
    {
      tokens: new TokenStream(handle, path, context.budget),
      path,
      realPath,
      origin: context.zone,
      current: undefined,
    },
  ];
  const includes: string[] = [];
  try {
    const found = await loadUntilSoa(stack, includes, context);
    if (found.isErr()) return found;
    return Ok({ serial: found.value, format: 'text', dumpTime: undefined, path, includes });
  } finally {
    for (const frame of stack) await frame.tokens.close();
  }
}

async function loadUntilSoa(
  stack: Frame[],
  includes: string[],
  context: TextContext,
): Promise<Result<number, ZoneFileError>> {
  for (;;) {
    const frame = stack[stack.length - 1];
    if (!frame) {
      const main = includes.length > 0 ? ' (nor in its included files)' : '';
      return Err(
        new ZoneFileError({
          kind: 'no-soa',
          message: `no SOA record for ${context.zone.toString()} in the zone file${main}`,
          causes: [
            'the origin given is not the zone this file is for',
            'the SOA is written for another name (check $ORIGIN and the owner)',
          ],
        }),
      );
    }
    const { tokens } = frame;
    const first = await tokens.next();
    if (first.isErr()) return first;
    let token = first.value;
    if (token.type === 'eof') {
      // End of an included file: back to the includer, with its own origin and owner.
      await tokens.close();
      stack.pop();
      if (stack.length === 0) {
        return Err(
          new ZoneFileError({
            kind: 'no-soa',
            message: `${frame.path}: no SOA record for ${context.zone.toString()}`,
            causes: [
              'the origin given is not the zone this file is for',
              'the SOA is written for another name (check $ORIGIN and the owner)',
            ],
            file: frame.path,
          }),
        );
      }
      continue;
    }
    if (token.type === 'eol') continue;

    let owner: Name;
    if (token.type === 'ws') {
      const after = await tokens.next();
      if (after.isErr()) return after;
      if (after.value.type === 'eol') continue; // blank line
      if (after.value.type === 'eof') {
        tokens.unget(after.value);
        continue;
      }
      if (!frame.current) {
        return Err(syntaxError(frame.path, after.value.line, 'no current owner name'));
      }
      owner = frame.current;
      token = after.value;
    } else {
      if (token.text.startsWith('$')) {
        const directive = await handleDirective(token, frame, stack, includes, context);
        if (directive.isErr()) return directive;
        continue;
      }
      const name = nameFromToken(token.text, frame.origin);
      if (typeof name === 'string') return Err(syntaxError(frame.path, token.line, name));
      owner = name;
      frame.current = name;
      const after = await needToken(tokens, frame.path, 'a type after the owner name');
      if (after.isErr()) return after;
      token = after.value;
    }

    // [<TTL>] [<class>] <type> or [<class>] [<TTL>] <type> (master.c load_text).
    let rdclass: number | undefined;
    if (token.type === 'string') {
      rdclass = classFromText(token.text);
      if (rdclass !== undefined) {
        const next = await needToken(tokens, frame.path, 'a type');
        if (next.isErr()) return next;
        token = next.value;
      }
    }
    if (token.type === 'string' && ttlFromText(token.text) !== undefined) {
      const next = await needToken(tokens, frame.path, 'a type');
      if (next.isErr()) return next;
      token = next.value;
    }
    if (rdclass === undefined && token.type === 'string') {
      rdclass = classFromText(token.text);
      if (rdclass !== undefined) {
        const next = await needToken(tokens, frame.path, 'a type');
        if (next.isErr()) return next;
        token = next.value;
      }
    }
    if (token.type !== 'string') {
      return Err(syntaxError(frame.path, token.line, 'a quoted string where the type belongs'));
    }
    if (typeFromText(token.text) !== TYPE_SOA) {
      const skipped = await skipRecord(tokens);
      if (skipped.isErr()) return skipped;
      continue;
    }
    const typeLine = token.line;
    const serial = await soaSerialFromText(tokens, frame);
    if (serial.isErr()) return serial;
    if (rdclass !== undefined && rdclass !== context.zoneClass) {
      return Err(
        syntaxError(
          frame.path,
          typeLine,
          `class ${rdclass} of the SOA is not the zone's class ${context.zoneClass}`,
        ),
      );
    }
    // named ignores out-of-zone data, and refuses an SOA below the apex.
    if (!owner.isSubdomainOf(context.zone)) continue;
    if (!owner.equals(context.zone)) {
      return Err(
        syntaxError(frame.path, typeLine, `SOA record not at top of zone (${owner.toString()})`),
      );
    }
    return Ok(serial.value);
  }
}

/** The next token, which must not end the line. */
async function needToken(
  tokens: TokenStream,
  path: string,
  what: string,
): Promise<Result<Token, ZoneFileError>> {
  const next = await tokens.next();
  if (next.isErr()) return next;
  if (next.value.type === 'eol' || next.value.type === 'eof') {
    return Err(syntaxError(path, next.value.line, `unexpected end of line: expected ${what}`));
  }
  return next;
}

/** Requires the end of the line (or file) next. */
async function expectEol(
  tokens: TokenStream,
  path: string,
  what: string,
): Promise<Result<void, ZoneFileError>> {
  const next = await tokens.next();
  if (next.isErr()) return next;
  if (next.value.type === 'eof') {
    tokens.unget(next.value);
    return Ok(undefined);
  }
  if (next.value.type !== 'eol') {
    return Err(syntaxError(path, next.value.line, `extra text after ${what}`));
  }
  return Ok(undefined);
}

/** Skips the rest of a record (up to and including the end of its line). */
async function skipRecord(tokens: TokenStream): Promise<Result<void, ZoneFileError>> {
  for (;;) {
    const next = await tokens.next();
    if (next.isErr()) return next;
    if (next.value.type === 'eol') return Ok(undefined);
    if (next.value.type === 'eof') {
      tokens.unget(next.value);
      return Ok(undefined);
    }
  }
}

async function handleDirective(
  token: Token,
  frame: Frame,
  stack: Frame[],
  includes: string[],
  context: TextContext,
): Promise<Result<void, ZoneFileError>> {
  const { tokens, path } = frame;
  const word = token.text.toUpperCase();
  switch (word) {
    case '$ORIGIN': {
      const arg = await needToken(tokens, path, 'a domain name after $ORIGIN');
      if (arg.isErr()) return arg;
      if (arg.value.type !== 'string') {
        return Err(syntaxError(path, arg.value.line, '$ORIGIN takes an unquoted domain name'));
      }
      // Relative to the current origin.
      const name = nameFromToken(arg.value.text, frame.origin);
      if (typeof name === 'string')
        return Err(syntaxError(path, arg.value.line, `$ORIGIN: ${name}`));
      const end = await expectEol(tokens, path, '$ORIGIN');
      if (end.isErr()) return end;
      frame.origin = name;
      return Ok(undefined);
    }
    case '$TTL': {
      const arg = await needToken(tokens, path, 'a TTL after $TTL');
      if (arg.isErr()) return arg;
      if (arg.value.type !== 'string' || ttlFromText(arg.value.text) === undefined) {
        return Err(
          syntaxError(
            path,
            arg.value.line,
            `$TTL: "${arg.value.text}" is not a TTL`,
            'write seconds or units such as 1h30m',
          ),
        );
      }
      return expectEol(tokens, path, '$TTL');
    }
    case '$INCLUDE':
      return include(token, frame, stack, includes, context);
    case '$DATE':
    case '$GENERATE':
      // Neither can change the apex SOA's serial as far as this reader is concerned.
      return skipRecord(tokens);
    default:
      return Err(syntaxError(path, token.line, `unknown $ directive "${token.text}"`));
  }
}

async function include(
  token: Token,
  frame: Frame,
  stack: Frame[],
  includes: string[],
  context: TextContext,
): Promise<Result<void, ZoneFileError>> {
  const { tokens, path } = frame;
  const fileToken = await needToken(tokens, path, 'a file name after $INCLUDE');
  if (fileToken.isErr()) return fileToken;
  const fileName = fileToken.value.text;
  let origin = frame.origin;
  const next = await tokens.next();
  if (next.isErr()) return next;
  if (next.value.type === 'eof') tokens.unget(next.value);
  else if (next.value.type !== 'eol') {
    if (next.value.type !== 'string') {
      return Err(
        syntaxError(path, next.value.line, '$INCLUDE origin must be an unquoted domain name'),
      );
    }
    const name = nameFromToken(next.value.text, frame.origin);
    if (typeof name === 'string')
      return Err(syntaxError(path, next.value.line, `$INCLUDE origin: ${name}`));
    origin = name;
    const end = await expectEol(tokens, path, '$INCLUDE');
    if (end.isErr()) return end;
  }
  if (fileName.length === 0)
    return Err(syntaxError(path, token.line, '$INCLUDE of an empty file name'));

  if (stack.length > MAX_INCLUDE_DEPTH) {
    return Err(
      new ZoneFileError({
        kind: 'include-loop',
        message: `${path}:${token.line}: $INCLUDE nested more than ${MAX_INCLUDE_DEPTH} deep`,
        causes: ['files including each other'],
        file: path,
        line: token.line,
      }),
    );
  }
  if (context.budget.includes <= 0) {
    return Err(
      new ZoneFileError({
        kind: 'too-large',
        message: `${path}:${token.line}: more $INCLUDE files than allowed (maxIncludes)`,
        file: path,
        line: token.line,
      }),
    );
  }
  context.budget.includes--;
  // named opens $INCLUDE paths with plain fopen(): relative to its working directory.
  const target = isAbsolute(fileName) ? fileName : resolve(context.baseDir, fileName);
  const from = { file: path, line: token.line };
  const opened = await openFile(target, context.budget.limits, from);
  if (opened.isErr()) return opened;
  const realTarget = await realpath(target).catch(() => target);
  if (stack.some((f) => f.realPath === realTarget)) {
    await opened.value.close().catch(() => undefined);
    return Err(
      new ZoneFileError({
        kind: 'include-loop',
        message: `${path}:${token.line}: $INCLUDE ${target} is already being read (include loop)`,
        file: path,
        line: token.line,
      }),
    );
  }
  includes.push(target);
  stack.push({
    tokens: new TokenStream(opened.value, target, context.budget),
    path: target,
    realPath: realTarget,
    origin,
    // The included file starts with the includer's current owner (master.c pushfile).
    current: frame.current,
  });
  return Ok(undefined);
}

/** Reads SOA RDATA text (and the end of its line); returns the serial. */
async function soaSerialFromText(
  tokens: TokenStream,
  frame: Frame,
): Promise<Result<number, ZoneFileError>> {
  const { path } = frame;
  const first = await needToken(tokens, path, 'the SOA RDATA');
  if (first.isErr()) return first;
  if (first.value.type === 'string' && first.value.text === '\\#') {
    const serial = await genericSoa(tokens, path, first.value.line);
    if (serial.isErr()) return serial;
    const end = await expectEol(tokens, path, 'the SOA RDATA');
    return end.map(() => serial.value);
  }
  tokens.unget(first.value);
  const fields = ['MNAME', 'RNAME', 'serial', 'refresh', 'retry', 'expire', 'minimum'] as const;
  let serial = 0;
  for (const [index, field] of fields.entries()) {
    const next = await needToken(tokens, path, `the SOA ${field}`);
    if (next.isErr()) return next;
    const token = next.value;
    if (token.type !== 'string') {
      return Err(syntaxError(path, token.line, `SOA ${field}: unexpected quoted string`));
    }
    if (index < 2) {
      const name = nameFromToken(token.text, frame.origin);
      if (typeof name === 'string')
        return Err(syntaxError(path, token.line, `SOA ${field}: ${name}`));
    } else if (index === 2) {
      // The serial is a plain decimal number (isc_lex number token; no units).
      const value = /^[0-9]+$/.test(token.text) ? decimalU32(token.text) : undefined;
      if (value === undefined) {
        return Err(
          syntaxError(
            path,
            token.line,
            `SOA serial "${token.text}" is not a number from 0 to 4294967295`,
          ),
        );
      }
      serial = value;
    } else if (ttlFromText(token.text) === undefined) {
      return Err(syntaxError(path, token.line, `SOA ${field} "${token.text}" is not a time value`));
    }
  }
  const end = await expectEol(tokens, path, 'the SOA RDATA');
  return end.map(() => serial);
}

/** `\# length hex…` (RFC 3597) for an SOA: decode the wire RDATA. */
async function genericSoa(
  tokens: TokenStream,
  path: string,
  line: number,
): Promise<Result<number, ZoneFileError>> {
  const lengthToken = await needToken(tokens, path, 'the RDATA length after \\#');
  if (lengthToken.isErr()) return lengthToken;
  const length =
    lengthToken.value.type === 'string' && /^[0-9]+$/.test(lengthToken.value.text)
      ? decimalU32(lengthToken.value.text)
      : undefined;
  if (length === undefined || length > 0xffff) {
    return Err(
      syntaxError(
        path,
        lengthToken.value.line,
        `\\# length "${lengthToken.value.text}" is not 0-65535`,
      ),
    );
  }
  let hex = '';
  while (hex.length < length * 2) {
    const next = await needToken(tokens, path, `${length} bytes of hex RDATA`);
    if (next.isErr()) return next;
    if (next.value.type !== 'string' || !/^[0-9a-fA-F]*$/.test(next.value.text)) {
      return Err(syntaxError(path, next.value.line, `"${next.value.text}" is not hexadecimal`));
    }
    hex += next.value.text;
  }
  if (hex.length !== length * 2) {
    return Err(syntaxError(path, line, `\\# RDATA has more hex digits than its length ${length}`));
  }
  const serial = soaSerialFromWire(Buffer.from(hex, 'hex'));
  if (typeof serial === 'string') return Err(syntaxError(path, line, `SOA in \\# form: ${serial}`));
  return Ok(serial);
}

// ---------------------------------------------------------------------------------------------
// Text format: the small parsers BIND applies to tokens

/** Parses decimal digits to a u32 (leading zeros allowed); `undefined` when out of range. */
function decimalU32(digits: string): number | undefined {
  const trimmed = digits.replace(/^0+(?=.)/, '');
  if (trimmed.length > 10) return undefined;
  const value = Number(trimmed);
  return value <= 0xffffffff ? value : undefined;
}

/**
 * BIND's `bind_ttl()` (lib/dns/ttl.c): digits, each group optionally followed by a unit
 * `w d h m s` (any case); a bare number is accepted only as the whole text or after groups
 * totalling zero (BIND's quirk: `0h5` is 5). At most 63 characters, total ≤ 2^32-1.
 */
function ttlFromText(text: string): number | undefined {
  if (text.length === 0 || text.length > 63) return undefined;
  let total = 0;
  let i = 0;
  do {
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    if (i === start) return undefined;
    const n = decimalU32(text.slice(start, i));
    if (n === undefined) return undefined;
    const unit = text[i]?.toLowerCase();
    if (unit === undefined) {
      if (total !== 0) return undefined;
      total = n;
      break;
    }
    const seconds = UNIT_SECONDS[unit];
    if (seconds === undefined) return undefined;
    total += n * seconds;
    i++;
  } while (i < text.length);
  return total <= 0xffffffff ? total : undefined;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  w: 604800,
  d: 86400,
  h: 3600,
  m: 60,
  s: 1,
};

/** `TYPEnnn` / `CLASSnnn` number part, as BIND reads it with strtoul (1-5 characters). */
function genericNumber(rest: string): number | undefined {
  if (rest.length < 1 || rest.length > 5) return undefined;
  const match = /^([+-]?)([0-9]+)$/.exec(rest);
  if (!match) return undefined;
  const value = Number(match[2]);
  if (match[1] === '-') return value === 0 ? 0 : undefined; // strtoul negates: only -0 fits
  return value <= 0xffff ? value : undefined;
}

/** `dns_rdataclass_fromtext` (lib/dns/rcode.c): the class number, or undefined. */
function classFromText(text: string): number | undefined {
  const lower = text.toLowerCase();
  switch (lower) {
    case 'in':
      return 1;
    case 'ch':
    case 'chaos':
      return 3;
    case 'hs':
    case 'hesiod':
      return 4;
    case 'none':
      return 254;
    case 'any':
      return 255;
    case 'reserved0':
      return 0;
    default:
      return lower.startsWith('class') ? genericNumber(text.slice(5)) : undefined;
  }
}

/** The type number for `SOA`/`TYPE6`; for other types, something other than 6. */
function typeFromText(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'soa') return TYPE_SOA;
  return lower.startsWith('type') ? genericNumber(text.slice(4)) : undefined;
}

/**
 * A name from token text (latin1, escapes kept), relative names made absolute against
 * `origin`. Bytes above 0x7f are passed to {@link parseName} as `\DDD` so that they stay single
 * bytes. Returns the error message on failure.
 */
function nameFromToken(text: string, origin: Name): Name | string {
  let plain = true;
  for (let i = 0; i < text.length && plain; i++) {
    const c = text.charCodeAt(i);
    plain = c !== 0 && c < 0x80;
  }
  let ascii = text;
  if (!plain) {
    ascii = '';
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x5c && i + 1 < text.length) {
        const d = text.charCodeAt(i + 1);
        if (d >= 0x30 && d <= 0x39) {
          ascii += text.slice(i, i + 4);
          i += 3;
        } else {
          ascii += d >= 0x80 || d === 0 ? `\\${String(d).padStart(3, '0')}` : text.slice(i, i + 2);
          i += 1;
        }
      } else if (c >= 0x80 || c === 0) {
        ascii += `\\${String(c).padStart(3, '0')}`;
      } else {
        ascii += text[i];
      }
    }
  }
  const name = parseName(ascii, origin);
  return name.isOk() ? name.value : name.error.message;
}
