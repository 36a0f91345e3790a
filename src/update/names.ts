/**
 * Domain names: presentation text ⇄ labels ⇄ wire form (RFC 1035 §3.1, §4.1.4, §5.1).
 *
 * Pure code, no I/O. A {@link Name} is always absolute (fully qualified); relative text is made
 * absolute against an origin while parsing. Label bytes are kept exactly as written (case
 * preserved); comparisons and the canonical form fold only ASCII `A`-`Z` (RFC 4343), never
 * other characters.
 */
import { inspect } from 'node:util';
import { RndcLibraryError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';

/** Longest label, in bytes (RFC 1035 §2.3.4). */
export const MAX_LABEL_BYTES = 63;
/** Longest name in wire form, length bytes and the root byte included (RFC 1035 §2.3.4). */
export const MAX_NAME_BYTES = 255;
/** Most compression pointers {@link decodeName} follows for one name. */
export const MAX_POINTER_HOPS = 128;

/** Why a name could not be read. */
export type NameErrorKind =
  | 'empty'
  | 'empty-label'
  | 'label-too-long'
  | 'name-too-long'
  | 'bad-escape'
  | 'truncated'
  | 'bad-pointer'
  | 'bad-label-type';

/** A domain name that could not be parsed from text or decoded from wire form. */
export class NameError extends RndcLibraryError<NameErrorKind> {}

/**
 * Builds a name from labels this module already checked and copied, in an array nobody else
 * holds (no second copy, no second check): the decoder's hot path.
 */
let ownedName: (labels: Buffer[], wireLength: number) => Name;
/** A name's labels without freezing them (this module's code only; never handed out). */
let labelsOf: (name: Name) => readonly Buffer[];

/** Characters BIND escapes with a backslash when it prints a name. */
const SPECIAL_IN_NAMES = new Set([0x22, 0x28, 0x29, 0x2e, 0x3b, 0x5c, 0x40, 0x24]); // " ( ) . ; \ @ $

/** Shows at most 80 characters of user text in a message, quoted. */
function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  return JSON.stringify(shown);
}

/** ASCII-only lowercase of one byte. */
function lowerByte(byte: number): number {
  return byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte;
}

/** Label equality with ASCII case folding (RFC 4343 §3). */
function sameLabel(a: Uint8Array, b: Uint8Array): boolean {
  // Names decoded from one message share the label buffers of their compressed tails.
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (lowerByte(a[i]!) !== lowerByte(b[i]!)) return false;
  }
  return true;
}

/** True for the bytes a label prints as themselves: `!`..`~` but {@link SPECIAL_IN_NAMES}. */
function plainByte(byte: number): boolean {
  return byte > 0x20 && byte < 0x7f && !SPECIAL_IN_NAMES.has(byte);
}

/** One label in presentation form, escaped as BIND prints it. */
function labelToText(label: Buffer): string {
  let plain = true;
  for (let i = 0; i < label.length && plain; i++) plain = plainByte(label[i]!);
  if (plain) return label.toString('latin1');
  let out = '';
  for (const byte of label) {
    if (SPECIAL_IN_NAMES.has(byte)) out += `\\${String.fromCharCode(byte)}`;
    else if (byte > 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString().padStart(3, '0')}`;
  }
  return out;
}

/**
 * An absolute domain name. Immutable: the label buffers are private copies and must not be
 * written to.
 */
export class Name {
  // Private fields behind getters rather than Object.freeze: as immutable from outside, and
  // freezing cost ~100 ns per name — a tenth of a record's cost in a zone transfer. The labels
  // array is frozen the first time it is handed out (most decoded names never are).
  readonly #labels: Buffer[];
  readonly #wireLength: number;
  #labelsExposed = false;

  private constructor(labels: readonly Buffer[], wireLength?: number, owned?: boolean) {
    this.#labels = owned ? (labels as Buffer[]) : [...labels];
    this.#wireLength = wireLength ?? labels.reduce((sum, label) => sum + label.length + 1, 1);
  }

  /** The labels from leftmost to rightmost, raw bytes, case preserved. The root is `[]`. */
  get labels(): readonly Buffer[] {
    if (!this.#labelsExposed) {
      Object.freeze(this.#labels);
      this.#labelsExposed = true;
    }
    return this.#labels;
  }

  /** Length of the uncompressed wire form (1 for the root). */
  get wireLength(): number {
    return this.#wireLength;
  }

  /** The root name `.`. */
  static readonly root: Name = new Name([]);

  static {
    ownedName = (labels, wireLength) => new Name(labels, wireLength, true);
    labelsOf = (name) => name.#labels;
  }

  /**
   * Builds a name from raw labels (leftmost first, without the empty root label). The bytes are
   * copied. Fails on an empty label, a label over 63 bytes or a name over 255 bytes.
   */
  static fromLabels(labels: readonly Uint8Array[]): Result<Name, NameError> {
    const copies: Buffer[] = [];
    let total = 1;
    for (const label of labels) {
      if (label.length === 0) {
        return Err(new NameError({ kind: 'empty-label', message: 'a name has an empty label' }));
      }
      if (label.length > MAX_LABEL_BYTES) {
        return Err(
          new NameError({
            kind: 'label-too-long',
            message: `label of ${label.length} bytes; labels are at most ${MAX_LABEL_BYTES} bytes`,
          }),
        );
      }
      total += label.length + 1;
      if (total > MAX_NAME_BYTES) return Err(nameTooLong(total));
      copies.push(Buffer.from(label));
    }
    return Ok(new Name(copies));
  }

  /** Number of labels, not counting the root (`www.example.` has 2, `.` has 0). */
  get labelCount(): number {
    return this.#labels.length;
  }

  /** True for the root name. */
  get isRoot(): boolean {
    return this.#labels.length === 0;
  }

  /**
   * Presentation form with the trailing dot, escaped as BIND prints names: `\.` `\\` `\"` `\(`
   * `\)` `\;` `\@` `\$` with a backslash, and bytes outside `!`..`~` (space included) as `\DDD`.
   */
  toString(): string {
    if (this.#text !== undefined) return this.#text;
    let out = '';
    for (const label of this.#labels) out += `${labelToText(label)}.`;
    this.#text = out === '' ? '.' : out;
    return this.#text;
  }

  /** {@link Name.toString}'s result, once made (a zone's name is printed for every update). */
  #text: string | undefined;

  /**
   * Text relative to `origin`, for display: `@` for the origin itself, the leading labels
   * without a trailing dot for names below it, the absolute text otherwise. Reading the result
   * back with {@link parseName} and the same origin gives an equal name.
   */
  relativeTo(origin: Name): string {
    if (this.equals(origin)) return '@';
    if (!this.isSubdomainOf(origin)) return this.toString();
    return this.#labels
      .slice(0, this.#labels.length - origin.#labels.length)
      .map(labelToText)
      .join('.');
  }

  /** The uncompressed wire form, case preserved. */
  toWire(): Buffer {
    const out = Buffer.allocUnsafe(this.wireLength);
    this.writeWire(out, 0);
    return out;
  }

  /**
   * Writes the uncompressed wire form, case preserved, into `out` at `at` (which must have
   * {@link Name.wireLength} bytes of room); returns the offset after it.
   */
  writeWire(out: Uint8Array, at: number): number {
    let pos = at;
    for (const label of this.#labels) {
      out[pos++] = label.length;
      for (let i = 0; i < label.length; i++) out[pos++] = label[i]!;
    }
    out[pos++] = 0;
    return pos;
  }

  /** The canonical wire form (RFC 4034 §6.2): uncompressed, ASCII `A`-`Z` lowered. */
  toCanonicalWire(): Buffer {
    const out = Buffer.allocUnsafe(this.wireLength);
    this.writeCanonicalWire(out, 0);
    return out;
  }

  /** {@link Name.writeWire} in the canonical form (RFC 4034 §6.2: ASCII `A`-`Z` lowered). */
  writeCanonicalWire(out: Uint8Array, at: number): number {
    let pos = at;
    for (const label of this.#labels) {
      out[pos++] = label.length;
      for (let i = 0; i < label.length; i++) out[pos++] = lowerByte(label[i]!);
    }
    out[pos++] = 0;
    return pos;
  }

  /** This name with ASCII `A`-`Z` lowered in every label. */
  toCanonical(): Name {
    return new Name(this.#labels.map((label) => Buffer.from(label.map(lowerByte))));
  }

  /** Equality ignoring ASCII case (RFC 4343). */
  equals(other: Name): boolean {
    if (this.#labels.length !== other.#labels.length) return false;
    for (let i = 0; i < this.#labels.length; i++) {
      if (!sameLabel(this.#labels[i]!, other.#labels[i]!)) return false;
    }
    return true;
  }

  /** True when this name is `other` or below it (ASCII case ignored). Every name is below the root. */
  isSubdomainOf(other: Name): boolean {
    const skip = this.#labels.length - other.#labels.length;
    if (skip < 0) return false;
    for (let i = 0; i < other.#labels.length; i++) {
      if (!sameLabel(this.#labels[skip + i]!, other.#labels[i]!)) return false;
    }
    return true;
  }

  /** The name without its leftmost label; `undefined` for the root. */
  parent(): Name | undefined {
    if (this.#labels.length === 0) return undefined;
    return new Name(this.#labels.slice(1));
  }

  /** The presentation form, so that `JSON.stringify` shows the name. */
  toJSON(): string {
    return this.toString();
  }

  /** `Name(www.example.)` in `util.inspect` / `console.log` / test diffs. */
  [inspect.custom](): string {
    return `Name(${this.toString()})`;
  }
}

function nameTooLong(bytes: number, text?: string): NameError {
  const what = text === undefined ? 'name' : `name ${quote(text)}`;
  return new NameError({
    kind: 'name-too-long',
    message: `${what} is ${bytes} bytes in wire form; names are at most ${MAX_NAME_BYTES} bytes`,
    causes: ['a relative name was appended to a long origin', 'too many or too long labels'],
  });
}

const isDigit = (code: number | undefined): boolean =>
  code !== undefined && code >= 0x30 && code <= 0x39;

/**
 * Reads a name in presentation form (RFC 1035 §5.1).
 *
 * - Text ending in an unescaped `.` is absolute; `.` alone is the root.
 * - `@` alone is `origin`; any other text is relative and gets `origin` appended.
 * - `\X` stands for the character X (so `\.` is a dot inside a label), `\DDD` for the byte
 *   with decimal value DDD (exactly three digits, at most 255).
 * - Characters outside ASCII are taken as their UTF-8 bytes.
 *
 * Never throws.
 */
export function parseName(text: string, origin: Name): Result<Name, NameError> {
  if (text.length === 0) {
    return Err(new NameError({ kind: 'empty', message: 'empty domain name' }));
  }
  if (text === '@') return Ok(origin);
  if (text === '.') return Ok(Name.root);
  const plain = plainName(text, origin);
  if (plain) return Ok(plain);

  const labels: Buffer[] = [];
  let current: number[] = [];
  let absolute = false;
  let total = 1;

  const endLabel = (): NameError | undefined => {
    if (current.length === 0) {
      return new NameError({
        kind: 'empty-label',
        message: `name ${quote(text)} has an empty label`,
        causes: ['two dots in a row, or a leading dot'],
        remedy: 'write a dot that belongs inside a label as \\.',
      });
    }
    total += current.length + 1;
    if (total > MAX_NAME_BYTES) return nameTooLong(total, text);
    labels.push(Buffer.from(current));
    current = [];
    return undefined;
  };
  const push = (bytes: Iterable<number>): NameError | undefined => {
    for (const byte of bytes) current.push(byte);
    if (current.length > MAX_LABEL_BYTES) {
      return new NameError({
        kind: 'label-too-long',
        message: `name ${quote(text)} has a label longer than ${MAX_LABEL_BYTES} bytes`,
      });
    }
    return undefined;
  };
  const badEscape = (why: string): NameError =>
    new NameError({
      kind: 'bad-escape',
      message: `name ${quote(text)}: ${why}`,
      remedy: 'use \\X for a literal character X, or \\DDD (three decimal digits, 000-255)',
    });

  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) {
      const error = endLabel();
      if (error) return Err(error);
      i++;
      if (i === text.length) absolute = true;
      continue;
    }
    if (code === 0x5c) {
      if (i + 1 >= text.length) return Err(badEscape('it ends with a lone backslash'));
      if (isDigit(text.charCodeAt(i + 1))) {
        const digits = text.slice(i + 1, i + 4);
        if (digits.length !== 3 || ![...digits].every((c) => isDigit(c.charCodeAt(0)))) {
          return Err(badEscape(`\\${digits} is not three decimal digits`));
        }
        const value = Number(digits);
        if (value > 255) return Err(badEscape(`\\${digits} is above 255`));
        const error = push([value]);
        if (error) return Err(error);
        i += 4;
        continue;
      }
      const char = String.fromCodePoint(text.codePointAt(i + 1)!);
      const error = push(Buffer.from(char, 'utf8'));
      if (error) return Err(error);
      i += 1 + char.length;
      continue;
    }
    const char = String.fromCodePoint(text.codePointAt(i)!);
    const error = push(code < 0x80 ? [code] : Buffer.from(char, 'utf8'));
    if (error) return Err(error);
    i += char.length;
  }
  if (!absolute) {
    const error = endLabel();
    if (error) return Err(error);
    for (const label of labelsOf(origin)) {
      total += label.length + 1;
      labels.push(label);
    }
    if (total > MAX_NAME_BYTES) return Err(nameTooLong(total, text));
  }
  return Name.fromLabels(labels);
}

/**
 * {@link parseName} of text made only of printable ASCII without `\\` (what nearly every name
 * is), with one copy of the bytes; undefined for anything else, including every error, which the
 * full reader then reports. Labels of a relative name share the origin's (immutable) buffers.
 */
function plainName(text: string, origin: Name): Name | undefined {
  const absolute = text.charCodeAt(text.length - 1) === 0x2e;
  /** Characters of the labels: the text without its final dot. */
  const n = absolute ? text.length - 1 : text.length;
  // The labels take n + 1 bytes on the wire (a length byte per label, none per dot).
  const total = n + 1 + (absolute ? 1 : origin.wireLength);
  if (total > MAX_NAME_BYTES) return undefined;
  const bytes = Buffer.allocUnsafe(n);
  let count = 1;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || code === 0x5c) return undefined;
    if (code === 0x2e) count++;
    bytes[i] = code;
  }
  const labels = new Array<Buffer>(count + (absolute ? 0 : origin.labels.length));
  let start = 0;
  let k = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && bytes[i] !== 0x2e) continue;
    const labelLength = i - start;
    if (labelLength === 0 || labelLength > MAX_LABEL_BYTES) return undefined;
    labels[k++] = bytes.subarray(start, i);
    start = i + 1;
  }
  if (!absolute) for (const label of origin.labels) labels[k++] = label;
  return ownedName(labels, total);
}

/** Options of {@link decodeName}. */
export interface DecodeNameOptions {
  /**
   * Follow compression pointers (default `true`). Set `false` where RFC 3597 §4 forbids them,
   * e.g. names inside RDATA read without the enclosing message.
   */
  readonly compression?: boolean | undefined;
}

/**
 * Reads a wire-form name at `offset` in `buf` (RFC 1035 §3.1), following compression pointers
 * (§4.1.4).
 *
 * Each pointer must point strictly before the previous jump target (the first one before
 * `offset`), so a pointer loop can never be followed; at most {@link MAX_POINTER_HOPS} pointers
 * are followed. Label types `01` and `10` (RFC 6891 §5 extended and reserved) are rejected, as
 * are names over 255 bytes and reads past the end of `buf`.
 *
 * `end` is the offset just after the name where it starts, i.e. after its first pointer if it
 * has one. Never throws.
 */
export function decodeName(
  buf: Uint8Array,
  offset: number,
  options: DecodeNameOptions = {},
): Result<{ name: Name; end: number }, NameError> {
  const compression = options.compression ?? true;
  if (!Number.isInteger(offset) || offset < 0 || offset >= buf.length) {
    return Err(
      new NameError({
        kind: 'truncated',
        message: `no name at offset ${offset}: the data is ${buf.length} bytes long`,
      }),
    );
  }
  const labels: Buffer[] = [];
  let total = 1;
  let pos = offset;
  let limit = offset;
  let end: number | undefined;
  let hops = 0;
  for (;;) {
    const length = buf[pos];
    if (length === undefined) {
      return Err(
        new NameError({ kind: 'truncated', message: `name at offset ${offset} runs past the end` }),
      );
    }
    const labelType = length & 0xc0;
    if (labelType === 0xc0) {
      const low = buf[pos + 1];
      if (low === undefined) {
        return Err(
          new NameError({
            kind: 'truncated',
            message: `name at offset ${offset}: compression pointer cut off at the end`,
          }),
        );
      }
      if (!compression) {
        return Err(
          new NameError({
            kind: 'bad-pointer',
            message: `name at offset ${offset}: compression pointer where none is allowed`,
          }),
        );
      }
      const target = ((length & 0x3f) << 8) | low;
      end ??= pos + 2;
      hops++;
      if (target >= limit || hops > MAX_POINTER_HOPS) {
        return Err(
          new NameError({
            kind: 'bad-pointer',
            message:
              hops > MAX_POINTER_HOPS
                ? `name at offset ${offset}: more than ${MAX_POINTER_HOPS} compression pointers`
                : `name at offset ${offset}: compression pointer at ${pos} to ${target} does not point backwards`,
            causes: ['a malformed or hostile message (pointer loop)'],
          }),
        );
      }
      limit = target;
      pos = target;
      continue;
    }
    if (labelType !== 0) {
      return Err(
        new NameError({
          kind: 'bad-label-type',
          message: `name at offset ${offset}: unsupported label type 0x${labelType.toString(16)} at ${pos}`,
          causes: ['extended (RFC 6891) or reserved label types are not used in DNS messages'],
        }),
      );
    }
    if (length === 0) {
      end ??= pos + 1;
      break;
    }
    if (pos + 1 + length > buf.length) {
      return Err(
        new NameError({
          kind: 'truncated',
          message: `name at offset ${offset}: label at ${pos} runs past the end`,
        }),
      );
    }
    total += length + 1;
    if (total > MAX_NAME_BYTES) {
      return Err(nameTooLong(total));
    }
    labels.push(Buffer.from(buf.subarray(pos + 1, pos + 1 + length)));
    pos += 1 + length;
  }
  // Every label was checked (1–63 bytes, 255 in all) and copied above.
  return Ok({ name: ownedName(labels, total), end: end! });
}

/**
 * Reads the names of one message, sharing work between them: a name reached through a
 * compression pointer is read once and its labels reused by every name pointing at it (in a
 * zone transfer, the zone's name and each owner are pointed at by many records). Results equal
 * {@link decodeName}'s on the same bytes, errors included: whatever the shortcut cannot prove
 * (a bound, the pointer rules, the length limit) is read again the plain way. The message must
 * not change while the decoder is in use; {@link NameDecoder.reset} moves a decoder to the next
 * message, keeping its tables (a zone transfer reads thousands of messages).
 */
export class NameDecoder {
  #buf: Buffer;
  /**
   * What is known of the names read, by offset: valid where `#stamp` holds `#generation`. Per
   * offset, in `#meta`, the name's index in `#names`, its end, the pointers followed and one past
   * the last byte read. Typed arrays and a list made per message rather than a map of objects:
   * nothing allocated per name but the name, and nothing of an old message kept alive.
   */
  #names: Name[] = [];
  #meta = new Int32Array(0);
  #stamp = new Uint32Array(0);
  #generation = 1;
  /** Set by #read for the name it returned: end, pointers followed, reach. */
  #end = 0;
  #hops = 0;
  #reach = 0;

  constructor(message: Buffer) {
    this.#buf = message;
    this.#size(message.length);
  }

  /** Reads `message` from now on, forgetting the names of the previous one. */
  reset(message: Buffer): void {
    this.#buf = message;
    this.#size(message.length);
    this.#names = [];
    if (++this.#generation === 0x1_0000_0000) {
      this.#stamp.fill(0);
      this.#generation = 1;
    }
  }

  #size(length: number): void {
    if (this.#stamp.length >= length) return;
    // Grown at least twofold: messages of slowly growing sizes do not reallocate each time.
    const size = Math.max(length, this.#stamp.length * 2);
    this.#meta = new Int32Array(size * 4);
    this.#stamp = new Uint32Array(size);
  }

  /**
   * The name at `offset`, reading no byte at or after `bound` (default: the message's end): as
   * `decodeName(message.subarray(0, bound), offset)`.
   */
  decode(offset: number, bound = this.#buf.length): Result<{ name: Name; end: number }, NameError> {
    const fast = this.readName(offset, bound);
    if (fast) return Ok({ name: fast, end: this.end });
    return decodeName(
      bound === this.#buf.length ? this.#buf : this.#buf.subarray(0, bound),
      offset,
    );
  }

  /**
   * {@link NameDecoder.decode} without the result wrapper: the name, or undefined when `decode`
   * must be asked (it then gives the error, or the name the slow way).
   */
  tryDecode(
    offset: number,
    bound = this.#buf.length,
  ): { readonly name: Name; readonly end: number } | undefined {
    const name = this.readName(offset, bound);
    return name ? { name, end: this.end } : undefined;
  }

  /**
   * Where the name {@link NameDecoder.readName} returned last ends in the message (after its
   * first pointer, if any).
   */
  end = 0;

  /**
   * {@link NameDecoder.tryDecode} for hot loops, allocating nothing for a name already read: the
   * name, its end in {@link NameDecoder.end}; undefined when `decode` must be asked.
   */
  readName(offset: number, bound = this.#buf.length): Name | undefined {
    if (!Number.isInteger(offset) || offset < 0 || bound > this.#buf.length) return undefined;
    const name = this.#read(offset, bound, 0);
    if (name) this.end = this.#end;
    return name;
  }

  /**
   * The uncompressed wire length of the name at `offset`, reading no byte at or after `bound`,
   * its end in {@link NameDecoder.end} — what `decode(offset, bound)` would give, without making
   * a {@link Name} (names inside RDATA are only copied out). -1 when `decode` must be asked.
   */
  measure(offset: number, bound = this.#buf.length): number {
    const buf = this.#buf;
    if (!Number.isInteger(offset) || offset < 0 || offset >= bound || bound > buf.length) return -1;
    // decodeName's walk and rules: each pointer before the previous target (the first before
    // the name), at most MAX_POINTER_HOPS of them, labels inside the bound, 255 bytes in all.
    let total = 1;
    let pos = offset;
    let limit = offset;
    let end = -1;
    let hops = 0;
    for (;;) {
      if (pos >= bound) return -1;
      const length = buf[pos]!;
      if (length >= 0xc0) {
        if (pos + 1 >= bound) return -1;
        const target = ((length & 0x3f) << 8) | buf[pos + 1]!;
        if (end < 0) end = pos + 2;
        if (target >= limit || ++hops > MAX_POINTER_HOPS) return -1;
        limit = target;
        pos = target;
        continue;
      }
      if (length >= 0x40) return -1;
      if (length === 0) {
        this.end = end < 0 ? pos + 1 : end;
        return total;
      }
      if (pos + 1 + length > bound) return -1;
      total += length + 1;
      if (total > MAX_NAME_BYTES) return -1;
      pos += 1 + length;
    }
  }

  /**
   * Writes the name at `offset` uncompressed into `out` at `at`, returning where it ends. Only
   * after {@link NameDecoder.measure} accepted that offset (whose walk bounds this one) and
   * `out` has the room it gave.
   */
  writeName(offset: number, out: Buffer, at: number): number {
    const buf = this.#buf;
    let pos = offset;
    let w = at;
    for (;;) {
      const length = buf[pos]!;
      if (length >= 0xc0) {
        pos = ((length & 0x3f) << 8) | buf[pos + 1]!;
        continue;
      }
      out[w++] = length;
      if (length === 0) return w;
      for (let i = 1; i <= length; i++) out[w++] = buf[pos + i]!;
      pos += 1 + length;
    }
  }

  /**
   * The name at `offset` (its end, pointers followed and reach in #end, #hops, #reach), or
   * undefined for anything the plain decoder must judge.
   */
  #read(offset: number, bound: number, depth: number): Name | undefined {
    if (offset < this.#stamp.length && this.#stamp[offset] === this.#generation) {
      const at = offset * 4;
      const reach = this.#meta[at + 3]!;
      if (reach > bound) return undefined;
      this.#end = this.#meta[at + 1]!;
      this.#hops = this.#meta[at + 2]!;
      this.#reach = reach;
      return this.#names[this.#meta[at]!];
    }
    if (depth > MAX_POINTER_HOPS) return undefined;
    const buf = this.#buf;
    // First the checks, allocating nothing; then the name, in arrays of their final size.
    let total = 1;
    let count = 0;
    let pos = offset;
    let tail: Name | undefined;
    let tailHops = 0;
    let tailReach = 0;
    let end: number;
    for (;;) {
      if (pos >= bound) return undefined;
      const length = buf[pos]!;
      if (length >= 0xc0) {
        if (pos + 1 >= bound) return undefined;
        const target = ((length & 0x3f) << 8) | buf[pos + 1]!;
        // The first pointer must point before where the name starts; the tail's own walk keeps
        // each later pointer before the previous target, as decodeName does.
        if (target >= offset) return undefined;
        tail = this.#read(target, bound, depth + 1);
        if (!tail || this.#hops + 1 > MAX_POINTER_HOPS) return undefined;
        tailHops = this.#hops;
        tailReach = this.#reach;
        end = pos + 2;
        if (count === 0) {
          // Only a pointer (the next record of the same owner): the same name, not kept, since
          // pointers point at names, not at other pointers (and a miss is only a re-read).
          this.#end = end;
          this.#hops = tailHops + 1;
          this.#reach = Math.max(end, tailReach);
          return tail;
        }
        total += tail.wireLength - 1;
        if (total > MAX_NAME_BYTES) return undefined;
        break;
      }
      if (length >= 0x40) return undefined;
      if (length === 0) {
        end = pos + 1;
        if (count === 0) return this.#keep(offset, Name.root, end, 0, end);
        break;
      }
      if (pos + 1 + length > bound) return undefined;
      total += length + 1;
      if (total > MAX_NAME_BYTES) return undefined;
      count++;
      pos += 1 + length;
    }
    const shared = tail ? labelsOf(tail) : [];
    const labels = new Array<Buffer>(count + shared.length);
    for (let k = 0, at = offset; k < count; k++) {
      // A private copy; a byte loop beats Buffer#copy's call overhead for ≤ 63 bytes.
      const length = buf[at]!;
      const label = Buffer.allocUnsafe(length);
      for (let i = 0; i < length; i++) label[i] = buf[at + 1 + i]!;
      labels[k] = label;
      at += 1 + length;
    }
    for (let k = 0; k < shared.length; k++) labels[count + k] = shared[k]!;
    return this.#keep(
      offset,
      ownedName(labels, total),
      end,
      tail ? tailHops + 1 : 0,
      tail ? Math.max(end, tailReach) : end,
    );
  }

  #keep(offset: number, name: Name, end: number, hops: number, reach: number): Name {
    this.#stamp[offset] = this.#generation;
    const at = offset * 4;
    this.#meta[at] = this.#names.length;
    this.#names.push(name);
    this.#meta[at + 1] = end;
    this.#meta[at + 2] = hops;
    this.#meta[at + 3] = reach;
    this.#end = end;
    this.#hops = hops;
    this.#reach = reach;
    return name;
  }
}
