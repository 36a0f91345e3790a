import { inspect } from 'node:util';
import { ConfigError, type SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { Hmac } from './hmac.js';

/** The HMAC algorithms both BIND protocols know, by their BIND names. */
export const HMAC_ALGORITHMS = [
  'hmac-md5',
  'hmac-sha1',
  'hmac-sha224',
  'hmac-sha256',
  'hmac-sha384',
  'hmac-sha512',
] as const;

/** One of {@link HMAC_ALGORITHMS}. */
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];

/** Digest sizes in bytes (RFC 2104 / FIPS 180-4). */
export const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = {
  'hmac-md5': 16,
  'hmac-sha1': 20,
  'hmac-sha224': 28,
  'hmac-sha256': 32,
  'hmac-sha384': 48,
  'hmac-sha512': 64,
};

const NODE_DIGEST: Readonly<Record<HmacAlgorithm, string>> = {
  'hmac-md5': 'md5',
  'hmac-sha1': 'sha1',
  'hmac-sha224': 'sha224',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
};

/**
 * A key as a user writes it: the same three facts as a BIND `key` statement.
 * `algorithm` may carry BIND's truncation suffix (`hmac-sha256-128`), which only TSIG accepts.
 */
export interface KeySpec {
  /** Key name, as in `key "name" { … }`. */
  readonly name: string;
  /** `hmac-sha256` and the like, matched case-insensitively; TSIG also accepts `hmac-sha256-128`. */
  readonly algorithm: string;
  /** The secret, base64 as in `secret "…";`. */
  readonly secret: string;
}

/**
 * Marks a {@link Key} across copies of this library: the ESM and CommonJS builds (or two
 * installed versions) each have their own `Key` class, so `instanceof` fails between them.
 */
const KEY_BRAND = Symbol.for('rndc.Key');

/** A key made by another copy of this library (see {@link KEY_BRAND}). */
interface ForeignKey {
  readonly name: string;
  readonly algorithmName: string;
  readonly location: SourceLocation | undefined;
  secretBytes(): Buffer;
}

function isForeignKey(value: unknown): value is ForeignKey {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [KEY_BRAND]?: unknown })[KEY_BRAND] === true &&
    typeof (value as { secretBytes?: unknown }).secretBytes === 'function'
  );
}

/**
 * Key material for the control channel and for TSIG. The secret is held privately: it never
 * appears in `util.inspect`, `JSON.stringify`, string conversion or error messages.
 */
export class Key {
  /** Key name as written in the configuration (case preserved). */
  readonly name: string;
  /** HMAC algorithm. */
  readonly algorithm: HmacAlgorithm;
  /**
   * MAC length in bits when the configuration asked for a truncated MAC (`hmac-sha256-128`),
   * else `undefined` (full digest). The control channel refuses truncated keys, as rndc does.
   */
  readonly truncatedBits: number | undefined;
  /** Where the key was defined, when it came from a file. */
  readonly location: SourceLocation | undefined;
  /**
   * The algorithm as it was written, lower-cased (`hmac-sha256-128`, `hmac-md5.sig-alg.reg.int`):
   * rndc and `nsupdate -k` refuse spellings that named accepts.
   */
  readonly algorithmName: string;
  readonly #secret: Buffer;
  /** The keyed HMAC, made on first use (see ./hmac.ts). */
  #hmac: Hmac | undefined;

  /** Brand read by other copies of this library (ESM/CJS) to accept this key. */
  get [KEY_BRAND](): true {
    return true;
  }

  private constructor(
    name: string,
    algorithm: HmacAlgorithm,
    truncatedBits: number | undefined,
    secret: Buffer,
    location: SourceLocation | undefined,
    algorithmName: string,
  ) {
    this.name = name;
    this.algorithm = algorithm;
    this.truncatedBits = truncatedBits;
    this.#secret = secret;
    this.location = location;
    this.algorithmName = algorithmName;
  }

  /**
   * Validates a key given as name/algorithm/base64 secret. Algorithm names are matched
   * case-insensitively, as BIND does.
   */
  static from(spec: KeySpec, location?: SourceLocation): Result<Key, ConfigError> {
    const where = location ? `${location.file}:${location.line}: ` : '';
    if (typeof spec !== 'object' || spec === null) {
      return Err(
        new ConfigError({
          kind: 'missing-key',
          message: `${where}no key given (${spec === null ? 'null' : typeof spec})`,
          remedy:
            'pass `key: { name, algorithm, secret }` as in a BIND key statement, or a Key (Key.from, parseKeyFile, loadNsupdateKey)',
          ...(location ? { location } : {}),
        }),
      );
    }
    const name = spec.name;
    if (typeof name !== 'string' || name.length === 0) {
      return Err(
        new ConfigError({
          kind: 'invalid-key',
          message: `${where}a key needs a name`,
          ...(location ? { location } : {}),
        }),
      );
    }
    const parsed = parseAlgorithm(String(spec.algorithm ?? ''));
    if (!parsed) {
      return Err(
        new ConfigError({
          kind: 'unsupported-algorithm',
          message: `${where}key "${name}": unsupported algorithm "${spec.algorithm}"`,
          remedy: `use one of ${HMAC_ALGORITHMS.join(', ')}`,
          ...(location ? { location } : {}),
        }),
      );
    }
    const secret = decodeBase64Strict(String(spec.secret ?? ''));
    if (!secret || secret.length === 0) {
      return Err(
        new ConfigError({
          kind: 'invalid-key',
          message: `${where}key "${name}": the secret is not valid base64`,
          remedy: 'copy the secret exactly as tsig-keygen or rndc-confgen printed it',
          ...(location ? { location } : {}),
        }),
      );
    }
    return Ok(
      new Key(
        name,
        parsed.algorithm,
        parsed.truncatedBits,
        secret,
        location,
        String(spec.algorithm).trim().toLowerCase(),
      ),
    );
  }

  /**
   * `key` itself when it is a `Key`; a key made by another copy of this library (the ESM build's
   * in the CommonJS build, or the other way round) copied into this one; else
   * {@link Key.from}(`key`). A missing key is a `missing-key` error, never a `TypeError`.
   */
  static of(key: Key | KeySpec | undefined): Result<Key, ConfigError> {
    if (key instanceof Key) return Ok(key);
    if (isForeignKey(key)) {
      const secret = key.secretBytes().toString('base64');
      return Key.from({ name: key.name, algorithm: key.algorithmName, secret }, key.location);
    }
    return Key.from(key as KeySpec);
  }

  /**
   * HMAC with this key's algorithm and secret (full digest) of `data`, or of the concatenation
   * of several parts (`hmac(a, b)` equals `hmac(Buffer.concat([a, b]))`, without the copy).
   */
  hmac(...data: Uint8Array[]): Buffer {
    this.#hmac ??= new Hmac(NODE_DIGEST[this.algorithm], this.#secret);
    return this.#hmac.of(data);
  }

  /** A copy of the raw secret bytes. Handle with care: never log it. */
  secretBytes(): Buffer {
    return Buffer.from(this.#secret);
  }

  /** True when both keys have the same algorithm and secret (names may differ). */
  sameMaterial(other: Key): boolean {
    return this.algorithm === other.algorithm && this.#secret.equals(other.#secret);
  }

  /** `Key(name, algorithm)`: never the secret. */
  toString(): string {
    return `Key(${this.name}, ${this.algorithm})`;
  }

  /** `{ name, algorithm, secret: '[redacted]' }` for `JSON.stringify`. */
  toJSON(): object {
    return { name: this.name, algorithm: this.algorithm, secret: '[redacted]' };
  }

  /** What `util.inspect` / `console.log` show: the secret is `[redacted]`. */
  [inspect.custom](): string {
    const bits = this.truncatedBits === undefined ? '' : `, truncatedBits: ${this.truncatedBits}`;
    return `Key { name: ${JSON.stringify(this.name)}, algorithm: '${this.algorithm}'${bits}, secret: [redacted] }`;
  }
}

/** Parses `hmac-sha256` or BIND's truncated form `hmac-sha256-128` (case-insensitive). */
export function parseAlgorithm(
  text: string,
): { algorithm: HmacAlgorithm; truncatedBits: number | undefined } | undefined {
  // BIND also accepts the RFC 2845 name of md5 in key statements.
  const lower = text
    .trim()
    .toLowerCase()
    .replace(/^hmac-md5\.sig-alg\.reg\.int\.?$/, 'hmac-md5');
  const match = /^(hmac-(?:md5|sha1|sha224|sha256|sha384|sha512))(?:-(\d{1,4}))?$/.exec(lower);
  const base = match?.[1];
  if (!match || !base) return undefined;
  const algorithm = base as HmacAlgorithm;
  if (match[2] === undefined) return { algorithm, truncatedBits: undefined };
  const bits = Number(match[2]);
  const full = DIGEST_BYTES[algorithm] * 8;
  // named-checkconf refuses a truncation that is not a multiple of 8 or longer than the digest
  // (BIND 9.16-9.20); a short one (hmac-sha256-64) only draws a warning (weakTruncation). Zero
  // bits (a warning in named-checkconf) is refused here: it would send an empty MAC.
  if (bits % 8 !== 0 || bits > full || bits === 0) return undefined;
  return { algorithm, truncatedBits: bits === full ? undefined : bits };
}

/**
 * When `bits` is below what BIND recommends for `algorithm` — at least 80 bits and half the
 * digest (RFC 8945 §5.2.2.1) — the half-digest size named-checkconf names in its warning
 * (`digest-bits too small [<128]` for hmac-sha256-64; `[<64]` for hmac-md5-72, whose real
 * floor is 80); otherwise undefined. named itself refuses such MACs (BADSIG / BADTRUNC).
 */
export function weakTruncation(
  algorithm: HmacAlgorithm,
  bits: number | undefined,
): number | undefined {
  if (bits === undefined) return undefined;
  const half = (DIGEST_BYTES[algorithm] * 8) / 2;
  return bits < Math.max(80, half) ? half : undefined;
}

/** Decodes standard base64, tolerating whitespace; returns undefined for anything malformed. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, 'base64');
}
