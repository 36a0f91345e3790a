/**
 * Deterministic pseudo-random numbers for the fuzzer (sfc32). Every input is generated from its
 * own generator, seeded from (run seed, target, input index), so any input can be re-made.
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(...seeds: number[]) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = 1;
    for (const seed of seeds) {
      this.#a ^= seed >>> 0;
      this.#b = Math.imul(this.#b ^ (seed >>> 0), 0x85ebca6b) >>> 0;
      for (let i = 0; i < 4; i++) this.u32();
    }
    for (let i = 0; i < 8; i++) this.u32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return 0;
    return Math.floor((this.u32() / 0x1_0000_0000) * n);
  }

  /** An integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }

  /** A small size, skewed towards small numbers (most inputs are short, some are long). */
  size(max: number): number {
    const bucket = this.int(4);
    const limit = [8, 64, 512, max][bucket]!;
    return this.int(Math.min(limit, max) + 1);
  }

  /** Random text: printable ASCII mostly, with some control characters and non-ASCII. */
  text(maxLength: number, alphabet?: string): string {
    const length = this.size(maxLength);
    let out = '';
    for (let i = 0; i < length; i++) {
      if (alphabet && this.chance(0.9)) {
        out += alphabet[this.int(alphabet.length)];
        continue;
      }
      const r = this.int(100);
      if (r < 80) out += String.fromCharCode(0x20 + this.int(95));
      else if (r < 90) out += this.pick(['\n', '\t', '\r', ' ', '\0', '\\', '"', ';', '{', '}']);
      else if (r < 97) out += String.fromCharCode(this.int(0x800));
      else out += String.fromCodePoint(0x10000 + this.int(0x1000));
    }
    return out;
  }
}

/** 32-bit FNV-1a of a string, to derive a per-target seed. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
