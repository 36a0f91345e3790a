/**
 * isccc wire codec: the message format of BIND's control channel (lib/isccc/cc.c in BIND).
 * Pure functions over Buffers: no I/O, no clocks, no keys.
 *
 *   frame   := u32 LEN, u32 VERSION(=1), table-body            (LEN counts the bytes after itself)
 *   entry   := u8 KLEN, KLEN bytes of key, value
 *   value   := u8 TYPE, u32 VLEN, VLEN bytes
 *   TYPE    := 1 binary | 2 table (entries) | 3 list (values)  (0 "string" is never sent; named rejects it)
 *
 * Every length read from the wire is checked against the bytes that remain before anything is sliced,
 * so a hostile length can never cause an over-read or an allocation.
 */

import { RndcLibraryError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';

/** A scalar (always sent as binary data), a table, or a list. */
export type IsccValue = Buffer | IsccTable | IsccList;
/** An ordered association list; insertion order is wire order (it matters for the MAC). */
export type IsccTable = Map<string, IsccValue>;
/** A list of values without keys (accepted by named, never used by rndc). */
export type IsccList = IsccValue[];

/** The only protocol version BIND knows (cc.c). */
export const ISCCC_VERSION = 1;
/** Nesting limit named enforces since the CVE-2023-3341 fix; the top-level table is depth 1. */
export const MAX_DEPTH = 10;
/** named's inbound cap on a request's LEN field (controlconf.c: isccc_ccmsg_setmaxsize 32768). */
export const MAX_REQUEST_LENGTH = 32_768;

const TYPE_BINARY = 0x01;
const TYPE_TABLE = 0x02;
const TYPE_LIST = 0x03;

/** True when every character of `text` is U+0000–U+00FF, i.e. one byte in Latin-1. */
function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Why a frame could not be encoded or decoded. */
export type FrameErrorKind =
  | 'truncated'
  | 'bad-length'
  | 'bad-version'
  | 'bad-type'
  | 'too-deep'
  | 'trailing-bytes'
  | 'encode';

/** A malformed frame, or a value that cannot be put on the wire. */
export class FrameError extends RndcLibraryError<FrameErrorKind> {
  /** Byte offset in the frame where the problem was found, when decoding. */
  readonly offset: number | undefined;
  constructor(kind: FrameErrorKind, message: string, offset?: number) {
    super({
      kind,
      message: offset === undefined ? message : `${message} (at byte ${offset})`,
    });
    this.offset = offset;
  }
}

/** Builds a table from `[key, value]` pairs; strings become UTF-8 binary values. */
export function table(
  entries: Iterable<readonly [string, IsccValue | string | number]>,
): IsccTable {
  const result: IsccTable = new Map();
  for (const [key, value] of entries) result.set(key, toValue(value));
  return result;
}

function toValue(value: IsccValue | string | number): IsccValue {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  // isccc numbers are decimal ASCII of a uint32 (cc.c "%u").
  if (typeof value === 'number') return Buffer.from(String(value >>> 0), 'ascii');
  return value;
}

/** True for a binary (scalar) value. */
export function isBinary(value: IsccValue | undefined): value is Buffer {
  return Buffer.isBuffer(value);
}

/** True for a table value. */
export function isTable(value: IsccValue | undefined): value is IsccTable {
  return value instanceof Map;
}

/** A scalar as text (UTF-8, lenient: zone names and paths may hold any bytes), or undefined. */
export function textOf(value: IsccValue | undefined): string | undefined {
  return isBinary(value) ? value.toString('utf8') : undefined;
}

/** Serialises the entries of a table (no type byte or length for the table itself). */
export function encodeTableBody(body: IsccTable): Result<Buffer, FrameError> {
  const chunks: Buffer[] = [];
  const written = writeEntries(body, chunks, 1);
  return written.isErr() ? written : Ok(Buffer.concat(chunks));
}

function writeEntries(body: IsccTable, out: Buffer[], depth: number): Result<void, FrameError> {
  if (depth > MAX_DEPTH) return Err(new FrameError('too-deep', `nesting deeper than ${MAX_DEPTH}`));
  for (const [key, value] of body) {
    // Keys are byte strings, one character per byte both ways (the decoder reads them as
    // Latin-1), so that whatever decodes re-encodes to the same bytes.
    if (!isLatin1(key)) {
      return Err(new FrameError('encode', `key "${key.slice(0, 40)}" has characters above U+00FF`));
    }
    const keyBytes = Buffer.from(key, 'latin1');
    if (keyBytes.length > 255) {
      return Err(new FrameError('encode', `key "${key.slice(0, 40)}…" is longer than 255 bytes`));
    }
    out.push(Buffer.from([keyBytes.length]), keyBytes);
    const written = writeValue(value, out, depth);
    if (written.isErr()) return written;
  }
  return Ok(undefined);
}

function writeValue(value: IsccValue, out: Buffer[], depth: number): Result<void, FrameError> {
  const header = Buffer.alloc(5);
  out.push(header);
  const start = out.length;
  if (Buffer.isBuffer(value)) {
    header[0] = TYPE_BINARY;
    out.push(value);
  } else if (value instanceof Map) {
    header[0] = TYPE_TABLE;
    const written = writeEntries(value, out, depth + 1);
    if (written.isErr()) return written;
  } else {
    header[0] = TYPE_LIST;
    if (depth + 1 > MAX_DEPTH) {
      return Err(new FrameError('too-deep', `nesting deeper than ${MAX_DEPTH}`));
    }
    for (const item of value) {
      const written = writeValue(item, out, depth + 1);
      if (written.isErr()) return written;
    }
  }
  let length = 0;
  for (let i = start; i < out.length; i++) length += out[i]!.length;
  if (length > 0xffff_ffff) return Err(new FrameError('encode', 'value longer than 2^32-1 bytes'));
  header.writeUInt32BE(length, 1);
  return Ok(undefined);
}

/** Wraps a serialised top-level table body into a frame: LEN, VERSION, body. */
export function frameBody(body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(body.length + 4, 0);
  header.writeUInt32BE(ISCCC_VERSION, 4);
  return Buffer.concat([header, body]);
}

/** A decoded frame. */
export interface DecodedFrame {
  /** The top-level table. */
  readonly message: IsccTable;
  /**
   * The bytes the MAC covers — everything after the `_auth` entry — when `_auth` is the first
   * top-level key (the only place BIND looks for it, cc.c); otherwise undefined.
   */
  readonly signedRegion: Buffer | undefined;
}

/**
 * Decodes one whole frame (starting with its 4-byte LEN). Never throws: a malformed frame is an
 * error value that says what and where.
 */
export function decodeFrame(frame: Buffer): Result<DecodedFrame, FrameError> {
  if (frame.length < 8) {
    return Err(new FrameError('truncated', `frame of ${frame.length} bytes is shorter than 8`));
  }
  const length = frame.readUInt32BE(0);
  if (length !== frame.length - 4) {
    return Err(
      new FrameError(
        'bad-length',
        `frame length field says ${length} bytes but ${frame.length - 4} follow`,
        0,
      ),
    );
  }
  const version = frame.readUInt32BE(4);
  if (version !== ISCCC_VERSION) {
    return Err(new FrameError('bad-version', `unsupported isccc version ${version}`, 4));
  }
  const reader = new Reader(frame, 8);
  let signedRegion: Buffer | undefined;
  const message = reader.entries(frame.length, 1, (key, entryEnd, first) => {
    if (first && key === '_auth') signedRegion = frame.subarray(entryEnd);
  });
  return message.isErr() ? message : Ok({ message: message.value, signedRegion });
}

/** Decodes a bare top-level table body (no LEN/VERSION), e.g. a signed region. */
export function decodeTableBody(body: Buffer): Result<IsccTable, FrameError> {
  return new Reader(body, 0).entries(body.length, 1);
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
  ) {}

  entries(
    end: number,
    depth: number,
    onEntry?: (key: string, entryEnd: number, first: boolean) => void,
  ): Result<IsccTable, FrameError> {
    if (depth > MAX_DEPTH) {
      return Err(new FrameError('too-deep', `nesting deeper than ${MAX_DEPTH}`, this.pos));
    }
    const result: IsccTable = new Map();
    let first = true;
    while (this.pos < end) {
      const keyLength = this.buf[this.pos]!;
      if (this.pos + 1 + keyLength > end) {
        return Err(new FrameError('truncated', 'key runs past the end of its table', this.pos));
      }
      const key = this.buf.toString('latin1', this.pos + 1, this.pos + 1 + keyLength);
      this.pos += 1 + keyLength;
      const value = this.value(end, depth);
      if (value.isErr()) return value;
      // A repeated key replaces the earlier value (alist semantics in BIND).
      result.set(key, value.value);
      onEntry?.(key, this.pos, first);
      first = false;
    }
    return Ok(result);
  }

  private value(end: number, depth: number): Result<IsccValue, FrameError> {
    if (this.pos + 5 > end) {
      return Err(new FrameError('truncated', 'value header runs past the end', this.pos));
    }
    const type = this.buf[this.pos]!;
    const length = this.buf.readUInt32BE(this.pos + 1);
    const start = this.pos + 5;
    if (length > end - start) {
      return Err(
        new FrameError(
          'bad-length',
          `value length ${length} exceeds the ${end - start} bytes left`,
          this.pos,
        ),
      );
    }
    const valueEnd = start + length;
    this.pos = start;
    switch (type) {
      case TYPE_BINARY:
        this.pos = valueEnd;
        return Ok(this.buf.subarray(start, valueEnd));
      case TYPE_TABLE:
        return this.entries(valueEnd, depth + 1);
      case TYPE_LIST: {
        if (depth + 1 > MAX_DEPTH) {
          return Err(new FrameError('too-deep', `nesting deeper than ${MAX_DEPTH}`, start));
        }
        const items: IsccList = [];
        while (this.pos < valueEnd) {
          const item = this.value(valueEnd, depth + 1);
          if (item.isErr()) return item;
          items.push(item.value);
        }
        return Ok(items);
      }
      default:
        return Err(
          new FrameError('bad-type', `unknown value type 0x${type.toString(16)}`, start - 5),
        );
    }
  }
}
