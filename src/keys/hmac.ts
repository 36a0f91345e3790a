/**
 * HMAC (RFC 2104) of one key, computed as H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ data)) with Node's
 * one-shot `crypto.hash()` (Node 20.12+, 21.7+): each `createHmac()` sets up a new OpenSSL
 * context and keys it, which costs several times the hashing of a DNS message; the padded key
 * blocks here are made once per key. Without `crypto.hash` (older Node 20), `createHmac`.
 *
 * The padded key blocks are secret material: they live in this object's private scratch buffers,
 * never in Node's shared pool of `Buffer.allocUnsafe`.
 */
import * as crypto from 'node:crypto';

/** `crypto.hash`, when this Node has it. */
type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** Block sizes in bytes of the digests (FIPS 180-4; RFC 1321 for MD5). */
const BLOCK_BYTES: Readonly<Record<string, number>> = {
  md5: 64,
  sha1: 64,
  sha224: 64,
  sha256: 64,
  sha384: 128,
  sha512: 128,
};

/** HMAC with one key and one digest (`sha256`, as Node names it). */
export class Hmac {
  readonly #digest: string;
  readonly #secret: Buffer;
  /** (K ⊕ ipad), then the data. */
  #inner: Buffer | undefined;
  /** (K ⊕ opad), then the inner digest. */
  #outer: Buffer | undefined;

  constructor(digest: string, secret: Buffer) {
    this.#digest = digest;
    this.#secret = secret;
    const block = BLOCK_BYTES[digest];
    if (!oneShot || block === undefined) return;
    // A key longer than the block is hashed first (RFC 2104 §2).
    const key = secret.length > block ? oneShot(digest, secret, 'buffer') : secret;
    this.#inner = Buffer.alloc(block + 512);
    this.#outer = Buffer.alloc(block + 64);
    for (let i = 0; i < block; i++) {
      const byte = i < key.length ? key[i]! : 0;
      this.#inner[i] = byte ^ 0x36;
      this.#outer[i] = byte ^ 0x5c;
    }
  }

  /** The full MAC of the concatenation of `parts` (without concatenating them first). */
  of(parts: readonly Uint8Array[]): Buffer {
    const hash = oneShot;
    if (!hash || !this.#inner || !this.#outer) {
      const hmac = crypto.createHmac(this.#digest, this.#secret);
      for (const part of parts) hmac.update(part);
      return hmac.digest();
    }
    const block = this.#outer.length - 64;
    let size = block;
    for (const part of parts) size += part.length;
    if (size > this.#inner.length) {
      const grown = Buffer.alloc(Math.max(size, this.#inner.length * 2));
      this.#inner.copy(grown, 0, 0, block);
      // The old buffer starts with K ⊕ ipad: wiped, not left to the garbage collector.
      this.#inner.fill(0);
      this.#inner = grown;
    }
    const inner = this.#inner;
    let at = block;
    for (const part of parts) {
      inner.set(part, at);
      at += part.length;
    }
    const innerDigest = hash(this.#digest, inner.subarray(0, at), 'buffer');
    const outer = this.#outer;
    outer.set(innerDigest, block);
    return hash(this.#digest, outer.subarray(0, block + innerDigest.length), 'buffer');
  }
}
