/**
 * Byte- and token-level mutations of seed inputs: bit flips, byte insert/delete/duplicate,
 * splices of two seeds, length fields replaced with extremes, truncation.
 */
import type { Rng } from './rng.js';

/** Values written over would-be length fields. */
const U32_EXTREMES = [
  0, 1, 2, 4, 5, 0x7f, 0xff, 0x100, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
];
const U16_EXTREMES = [0, 1, 2, 0x3f, 0x40, 0x7f, 0xff, 0x100, 0x7fff, 0xc000, 0xffff];
const BYTE_EXTREMES = [0, 1, 0x3f, 0x7f, 0x80, 0xc0, 0xff, 0x0a, 0x0d, 0x20, 0x22, 0x3b, 0x5c];

/** Applies one random byte-level mutation. `others` are seeds to splice with. */
export function mutateOnce(rng: Rng, input: Buffer, others: readonly Uint8Array[]): Buffer {
  const n = input.length;
  const at = (extra = 0) => rng.int(n + extra);
  switch (rng.int(12)) {
    case 0: {
      if (n === 0) return rng.bytes(1);
      const out = Buffer.from(input);
      const flips = rng.range(1, 8);
      for (let i = 0; i < flips; i++) {
        const p = at();
        out[p] = out[p]! ^ (1 << rng.int(8));
      }
      return out;
    }
    case 1: {
      if (n === 0) return rng.bytes(1);
      const out = Buffer.from(input);
      out[at()] = rng.chance(0.5) ? rng.pick(BYTE_EXTREMES) : rng.u32() & 0xff;
      return out;
    }
    case 2: {
      const p = at(1);
      return Buffer.concat([input.subarray(0, p), rng.bytes(rng.range(1, 16)), input.subarray(p)]);
    }
    case 3: {
      if (n === 0) return input;
      const p = at();
      const len = rng.range(1, Math.min(32, n - p));
      return Buffer.concat([input.subarray(0, p), input.subarray(p + len)]);
    }
    case 4: {
      if (n === 0) return input;
      const p = at();
      const len = rng.range(1, Math.min(64, n - p));
      const times = rng.range(1, 8);
      const piece = input.subarray(p, p + len);
      return Buffer.concat([
        input.subarray(0, p + len),
        ...Array(times).fill(piece),
        input.subarray(p + len),
      ]);
    }
    case 5: {
      const other = others.length > 0 ? Buffer.from(rng.pick(others)) : rng.bytes(rng.size(64));
      const cut = at(1);
      const from = rng.int(other.length + 1);
      return Buffer.concat([input.subarray(0, cut), other.subarray(from)]);
    }
    case 6:
    case 7: {
      if (n < 4) return Buffer.concat([input, rng.bytes(4)]);
      const out = Buffer.from(input);
      const p = rng.chance(0.3) ? 0 : rng.int(n - 3);
      const value = rng.chance(0.8) ? rng.pick(U32_EXTREMES) : rng.u32();
      out.writeUInt32BE(value >>> 0, p);
      return out;
    }
    case 8: {
      if (n < 2) return Buffer.concat([input, rng.bytes(2)]);
      const out = Buffer.from(input);
      out.writeUInt16BE(rng.pick(U16_EXTREMES), rng.int(n - 1));
      return out;
    }
    case 9:
      return input.subarray(0, at(1));
    case 10:
      return input.subarray(at(1));
    default: {
      if (n < 2) return input;
      const out = Buffer.from(input);
      const a = at();
      const b = at();
      const len = rng.range(1, Math.min(16, n - Math.max(a, b)));
      const tmp = Buffer.from(out.subarray(a, a + len));
      out.copy(out, a, b, b + len);
      tmp.copy(out, b);
      return out;
    }
  }
}

/** Applies 1–`max` stacked mutations. */
export function mutate(
  rng: Rng,
  input: Uint8Array,
  others: readonly Uint8Array[],
  max = 4,
): Buffer {
  let out: Buffer = Buffer.from(input);
  const rounds = rng.range(1, max);
  for (let i = 0; i < rounds; i++) out = mutateOnce(rng, out, others);
  return out;
}

/**
 * Token-level mutation of text: split on whitespace and punctuation, then drop, duplicate,
 * swap or replace tokens (with words from `dictionary`), or insert dictionary words.
 */
export function mutateTokens(rng: Rng, text: string, dictionary: readonly string[]): string {
  const tokens = text.split(/(\s+|[;{}()"])/).filter((t) => t !== '');
  const rounds = rng.range(1, 4);
  for (let r = 0; r < rounds; r++) {
    const i = rng.int(tokens.length + 1);
    switch (rng.int(5)) {
      case 0:
        tokens.splice(i, 1);
        break;
      case 1:
        if (tokens[i] !== undefined) tokens.splice(i, 0, tokens[i]!);
        break;
      case 2: {
        const j = rng.int(tokens.length);
        if (tokens[i] !== undefined && tokens[j] !== undefined) {
          [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!];
        }
        break;
      }
      case 3:
        tokens[i] = rng.pick(dictionary);
        break;
      default:
        tokens.splice(i, 0, rng.pick([' ', '\n', '']), rng.pick(dictionary), ' ');
    }
  }
  return tokens.join('');
}
