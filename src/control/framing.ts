/**
 * Reassembles length-prefixed isccc frames from a TCP byte stream. Pure and incremental: feed it
 * chunks as they arrive; it returns complete frames. The length prefix is checked against the cap
 * before any buffer of that size exists, so a hostile prefix costs nothing.
 */

/** Default cap on a reply frame: 16 MiB (rndc itself stops at 1 MiB; named has no cap, §1.4). */
export const DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024;

/** What {@link FrameAssembler.push} found. */
export type AssemblyResult =
  | { readonly ok: true; readonly frames: Buffer[] }
  | {
      readonly ok: false;
      readonly reason: 'too-large' | 'bad-length';
      /** The LEN field that was refused. */
      readonly length: number;
      /**
       * Frames completed by the same chunk before the refused length: a genuine reply followed by
       * garbage in one TCP segment still yields the reply (the caller verifies it and then drops
       * the connection, whose stream can no longer be trusted).
       */
      readonly frames: Buffer[];
    };

/** Initial capacity of the receive buffer; it grows by doubling. */
const INITIAL_CAPACITY = 4096;

/**
 * Incremental frame reader for one connection. Received bytes go into one buffer that grows by
 * doubling (never past the announced frame): a peer trickling one byte per segment costs one
 * byte each, not a Buffer object each (which a 16 MiB frame sent byte by byte would turn into
 * gigabytes).
 */
export class FrameAssembler {
  readonly #maxFrameBytes: number;
  #buffer: Buffer = Buffer.alloc(0);
  /** Bytes of `#buffer` in use. */
  #length = 0;
  /** LEN of the frame being assembled, once its 4 bytes have arrived. */
  #expected: number | undefined;

  /** @param maxFrameBytes largest LEN accepted (bytes after the length field). */
  constructor(maxFrameBytes: number = DEFAULT_MAX_REPLY_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.#length;
  }

  /** Adds received bytes; returns every frame they complete (each including its LEN field). */
  push(chunk: Buffer): AssemblyResult {
    this.#append(chunk);
    const frames: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const available = this.#length - offset;
      if (this.#expected === undefined) {
        if (available < 4) break;
        const length = this.#buffer.readUInt32BE(offset);
        // A frame holds at least the 4-byte version.
        const refused =
          length < 4 ? 'bad-length' : length > this.#maxFrameBytes ? 'too-large' : undefined;
        if (refused) {
          this.#discard(offset);
          return { ok: false, reason: refused, length, frames };
        }
        this.#expected = length;
      }
      const total = this.#expected + 4;
      if (available < total) break;
      frames.push(Buffer.from(this.#buffer.subarray(offset, offset + total)));
      offset += total;
      this.#expected = undefined;
    }
    this.#discard(offset);
    return { ok: true, frames };
  }

  #append(chunk: Buffer): void {
    const needed = this.#length + chunk.length;
    if (needed > this.#buffer.length) {
      // Double, but never beyond the frame being assembled (when its length is known and the
      // chunk does not already reach past it).
      const frameEnd = this.#expected === undefined ? Number.POSITIVE_INFINITY : this.#expected + 4;
      const capacity = Math.max(
        needed,
        Math.min(Math.max(INITIAL_CAPACITY, this.#buffer.length * 2), frameEnd),
      );
      const grown = Buffer.allocUnsafe(capacity);
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    chunk.copy(this.#buffer, this.#length);
    this.#length = needed;
  }

  /** Drops the first `count` bytes (frames already returned). */
  #discard(count: number): void {
    if (count === 0) return;
    const rest = this.#length - count;
    if (rest === 0 && this.#buffer.length > 64 * 1024) this.#buffer = Buffer.alloc(0);
    else this.#buffer.copy(this.#buffer, 0, count, this.#length);
    this.#length = rest;
  }
}
