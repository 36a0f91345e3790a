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
    };

/** Incremental frame reader for one connection. */
export class FrameAssembler {
  readonly #maxFrameBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** LEN of the frame being assembled, once its 4 bytes have arrived. */
  #expected: number | undefined;

  /** @param maxFrameBytes largest LEN accepted (bytes after the length field). */
  constructor(maxFrameBytes: number = DEFAULT_MAX_REPLY_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes received but not yet returned as a frame. */
  get pendingBytes(): number {
    return this.#buffered;
  }

  /** Adds received bytes; returns every frame they complete (each including its LEN field). */
  push(chunk: Buffer): AssemblyResult {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#expected === undefined) {
        if (this.#buffered < 4) break;
        const length = this.#peekLength();
        // A frame holds at least the 4-byte version.
        if (length < 4) return { ok: false, reason: 'bad-length', length };
        if (length > this.#maxFrameBytes) return { ok: false, reason: 'too-large', length };
        this.#expected = length;
      }
      const total = this.#expected + 4;
      if (this.#buffered < total) break;
      frames.push(this.#take(total));
      this.#expected = undefined;
    }
    return { ok: true, frames };
  }

  #peekLength(): number {
    const first = this.#chunks[0]!;
    if (first.length >= 4) return first.readUInt32BE(0);
    return Buffer.concat(this.#chunks).readUInt32BE(0);
  }

  #take(count: number): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    const frame = all.subarray(0, count);
    const rest = all.subarray(count);
    this.#chunks = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return frame;
  }
}
