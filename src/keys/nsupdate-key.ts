/**
 * The key files `nsupdate -k` reads:
 *
 * - a `K{name}.+{alg}+{id}.key` / `.private` pair in the DNSSEC key-file format (the way
 *   dnssec-keygen wrote HMAC keys until BIND 9.13; BIND still reads them, with a deprecation
 *   warning). nsupdate may be given the `.private` path, the `.key` path, the path without a
 *   suffix or with a trailing dot: all name the same pair;
 * - a named.conf-style file holding exactly one `key` statement (tsig-keygen and ddns-confgen
 *   output, named's session.key), whose algorithm may carry BIND's truncation suffix
 *   (`hmac-sha256-128`).
 *
 * The pair is read the way BIND 9.18's `dst_key_fromnamedfile` reads it: the `.key` file gives
 * the key's name (its owner name) and algorithm, the `.private` file gives the secret (`Key:`,
 * which must equal the KEY record's data) and the MAC truncation (`Bits:`, a big-endian 16-bit
 * number in base64; 0 means the full MAC). The `+id` in the file name is not checked (BIND does
 * not check it either).
 */
import { basename } from 'node:path';
import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { locate } from './clauses.js';
import {
  DIGEST_BYTES,
  decodeBase64Strict,
  type HmacAlgorithm,
  Key,
  weakTruncation,
} from './key.js';
import { keyNameProblem } from './key-name.js';
import { keyFromStatement, type WarningSink } from './keyblock.js';
import { type IncludeOptions, loadConfigFile } from './load.js';
import { asciiLower, configError, echo, quoteName, sameName, where } from './problems.js';
import { type ReadFileFn, readConfigText, readFileBounded } from './read.js';
import { keyword } from './tree.js';

/**
 * DNSSEC algorithm numbers of the HMAC key types in K* files (BIND's `DST_ALG_HMAC*`):
 * 157 hmac-md5, 161 hmac-sha1, 162 hmac-sha224, 163 hmac-sha256, 164 hmac-sha384,
 * 165 hmac-sha512.
 */
export const DNSSEC_HMAC_ALGORITHMS: Readonly<Record<number, HmacAlgorithm>> = {
  157: 'hmac-md5',
  161: 'hmac-sha1',
  162: 'hmac-sha224',
  163: 'hmac-sha256',
  164: 'hmac-sha384',
  165: 'hmac-sha512',
};

/** The two files of a K* pair, as nsupdate derives them from the path it was given. */
export interface DnssecKeyPairPaths {
  /** The path without `.key`/`.private` (or without its trailing dot). */
  readonly base: string;
  /** `base` + `.key`: the public half (a KEY record). */
  readonly key: string;
  /** `base` + `.private`: the secret. */
  readonly private: string;
}

/** Options of {@link parseDnssecKeyPair}. */
export interface ParseDnssecKeyPairOptions {
  /** Reads a file. Default: a bounded read of a regular file from disk. */
  readonly readFile?: ReadFileFn | undefined;
  /** Receives `file:line: …` warnings (deprecated format, data BIND ignores). */
  readonly onWarning?: WarningSink | undefined;
}

/** Options of {@link loadNsupdateKey}. */
export interface LoadNsupdateKeyOptions extends IncludeOptions {
  /** Receives `file:line: …` warnings. */
  readonly onWarning?: WarningSink | undefined;
}

/**
 * The `.key` and `.private` paths of the pair `path` names, the way nsupdate (BIND's
 * `addsuffix`) derives them: a trailing dot, else a `.private` or `.key` suffix, is removed.
 */
export function dnssecKeyPairPaths(path: string): DnssecKeyPairPaths {
  let base = path;
  if (base.length > 1 && base.endsWith('.')) base = base.slice(0, -1);
  else if (base.length > 8 && base.endsWith('.private')) base = base.slice(0, -8);
  else if (base.length > 4 && base.endsWith('.key')) base = base.slice(0, -4);
  return { base, key: `${base}.key`, private: `${base}.private` };
}

/** What a `K{name}.+{alg}+{id}` file name says, if it has that shape. */
function fileNameParts(base: string): { name: string; algorithm: number } | undefined {
  const match = /^K(.+)\+(\d{1,3})\+(\d{1,5})$/.exec(basename(base));
  if (!match?.[1] || !match[2]) return undefined;
  return { name: match[1], algorithm: Number(match[2]) };
}

/** A name without its terminating (unescaped) dot; the root stays `.`. */
function withoutFinalDot(name: string): string {
  if (name === '.' || !name.endsWith('.')) return name;
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0 ? name.slice(0, -1) : name;
}

// ---------------------------------------------------------------------------------------------
// The .key file: `owner [ttl] [class] KEY flags protocol algorithm base64…` in zone-file syntax.

interface MasterToken {
  readonly text: string;
  readonly line: number;
  readonly quoted: boolean;
}

/**
 * Tokens of the first record of zone-file text: `;` comments, `( … )` joining lines, quoted
 * strings and backslash escapes (kept as written), as BIND's lexer reads a `.key` file.
 * Stops at the end of the first line (outside parentheses) that had a token.
 */
function firstRecordTokens(text: string): MasterToken[] | { error: string; line: number } {
  const tokens: MasterToken[] = [];
  let line = 1;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      if (depth === 0 && tokens.length > 0) return tokens;
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      if (depth === 0) return { error: "unbalanced ')'", line };
      depth--;
      i++;
    } else if (c === '"') {
      const start = line;
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '\n') return { error: 'unterminated quoted string', line: start };
        value += text[i];
        i++;
      }
      if (i >= text.length) return { error: 'unterminated quoted string', line: start };
      i++;
      tokens.push({ text: value, line: start, quoted: true });
    } else {
      let value = '';
      while (i < text.length) {
        const d = text[i] ?? '';
        if (' \t\r\n;()"'.includes(d)) break;
        if (d === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
          value += d + (text[i + 1] ?? '');
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      tokens.push({ text: value, line, quoted: false });
    }
  }
  if (depth > 0) return { error: "missing ')'", line };
  return tokens;
}

const CLASS_WORD = /^(?:in|ch|chaos|hs|hesiod|none|any|class\d{1,5})$/i;
const TTL_WORD = /^(?:\d+|(?:\d+[wdhms])+)$/i;
const PROTOCOLS: Readonly<Record<string, number>> = {
  none: 0,
  tls: 1,
  email: 2,
  dnssec: 3,
  ipsec: 4,
  all: 255,
};

/** An unsigned number written the way C's `strtoul(…, 0)` reads it (decimal, 0x hex, 0 octal). */
function cNumber(text: string): number | undefined {
  if (/^[1-9]\d*$|^0$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return Number.parseInt(text.slice(1), 8);
  return undefined;
}

interface PublicHalf {
  readonly name: string;
  readonly algorithm: number;
  readonly data: Buffer;
  readonly line: number;
}

function parsePublicHalf(text: string, file: string): Result<PublicHalf, ConfigError> {
  const fail = (line: number, message: string, remedy?: string) =>
    Err(configError('syntax', { file, line }, message, remedy ? { remedy } : {}));
  const tokens = firstRecordTokens(text);
  if (!Array.isArray(tokens)) return fail(tokens.line, tokens.error);
  const owner = tokens[0];
  if (!owner) {
    return fail(1, 'no KEY record found', 'a .key file holds one line: `name. IN KEY 512 3 163 …`');
  }
  if (owner.quoted) return fail(owner.line, 'the owner name of a KEY record cannot be quoted');
  if (owner.text === '@') {
    return fail(owner.line, "'@' is not allowed as the owner of a .key file (BIND refuses it)");
  }
  let index = 1;
  const at = (k: number) => tokens[k];
  if (at(index) && TTL_WORD.test(at(index)?.text ?? '')) index++;
  if (at(index) && CLASS_WORD.test(at(index)?.text ?? '')) index++;
  const type = at(index);
  if (!type) return fail(owner.line, 'missing record type: expected KEY');
  const typeName = type.text.toUpperCase();
  if (typeName === 'DNSKEY') {
    return fail(
      type.line,
      'a DNSKEY record: nsupdate needs a KEY record (HMAC and SIG(0) keys are KEY records)',
    );
  }
  if (typeName !== 'KEY') return fail(type.line, `expected KEY, found ${echo(type.text)}`);
  const [flagsToken, protocolToken, algorithmToken, ...dataTokens] = tokens.slice(index + 1);
  if (!flagsToken || !protocolToken || !algorithmToken) {
    return fail(type.line, 'the KEY record needs flags, protocol, algorithm and key data');
  }
  const flags = cNumber(flagsToken.text);
  if (flags === undefined || flags > 0xffff) {
    return fail(flagsToken.line, `bad KEY flags ${echo(flagsToken.text)}`);
  }
  if ((flags & 0xc000) === 0xc000) {
    return fail(flagsToken.line, `KEY flags ${flags} mean "no key": the record holds no key`);
  }
  const protocol = PROTOCOLS[protocolToken.text.toLowerCase()] ?? cNumber(protocolToken.text);
  if (protocol === undefined || protocol > 255) {
    return fail(protocolToken.line, `bad KEY protocol ${echo(protocolToken.text)}`);
  }
  const algorithm = cNumber(algorithmToken.text);
  if (algorithm === undefined || algorithm > 255) {
    return fail(
      algorithmToken.line,
      `bad KEY algorithm ${echo(algorithmToken.text)}: expected a number (163 for hmac-sha256)`,
    );
  }
  const data = decodeBase64Strict(dataTokens.map((token) => token.text).join(''));
  if (!data) return fail(algorithmToken.line, 'the KEY record data is not valid base64');
  return Ok({ name: owner.text, algorithm, data, line: owner.line });
}

// ---------------------------------------------------------------------------------------------
// The .private file: `Tag: value` lines after a format line and an algorithm line.

const TIMING_TAGS = new Set(
  [
    'Created:',
    'Publish:',
    'Activate:',
    'Revoke:',
    'Inactive:',
    'Delete:',
    'DSPublish:',
    'SyncPublish:',
    'SyncDelete:',
  ].map(asciiLower),
);
const NUMERIC_TAGS = new Set(
  ['Predecessor:', 'Successor:', 'MaxTTL:', 'RollPeriod:'].map(asciiLower),
);
/** The newest private-key-format minor version BIND 9.18 writes; newer ones may add tags. */
const PRIVATE_FORMAT_MINOR = 3;

interface PrivateHalf {
  readonly secret: string;
  readonly secretLine: number;
  readonly bits: number;
}

function isTime(text: string): boolean {
  const match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/.exec(text);
  if (!match) return false;
  const [, , month, day, hour, minute, second] = match.map(Number);
  return (
    month !== undefined &&
    month >= 1 &&
    month <= 12 &&
    day !== undefined &&
    day >= 1 &&
    day <= 31 &&
    (hour ?? 99) < 24 &&
    (minute ?? 99) < 60 &&
    (second ?? 99) < 61
  );
}

function parsePrivateHalf(
  text: string,
  file: string,
  algorithm: number,
): Result<PrivateHalf, ConfigError> {
  const fail = (line: number, message: string, remedy?: string) =>
    Err(configError('invalid-key', { file, line }, message, remedy ? { remedy } : {}));
  const lines = text.split('\n').map((raw) => raw.split(/[ \t\r]+/).filter((word) => word !== ''));
  const header = lines[0] ?? [];
  if (header[0] !== 'Private-key-format:') {
    return fail(1, "the first line must be 'Private-key-format: v1.3'");
  }
  const version = /^v(\d+)\.(\d+)/.exec(header[1] ?? '');
  if (!version) return fail(1, "bad private-key-format version (expected 'v1.3')");
  if (Number(version[1]) > 1) {
    return fail(1, `private-key-format ${echo(header[1] ?? '')} is newer than BIND 9.18 reads`);
  }
  const minor = Number(version[2]);
  const algorithmLine = lines[1] ?? [];
  if (algorithmLine[0] !== 'Algorithm:') {
    return fail(2, "the second line must be 'Algorithm: <number> (<name>)'");
  }
  if (!/^\d+$/.test(algorithmLine[1] ?? '') || Number(algorithmLine[1]) !== algorithm) {
    return fail(
      2,
      `algorithm ${echo(algorithmLine[1] ?? '')} differs from the .key file's ${algorithm}`,
    );
  }
  let secret: { text: string; line: number } | undefined;
  let bits: { value: number; line: number } | undefined;
  let elements = 0;
  for (let index = 2; index < lines.length; index++) {
    const line = index + 1;
    const [tag, ...values] = lines[index] ?? [];
    if (tag === undefined) continue;
    if (tag === 'External:') {
      return fail(line, "'External:' keys (held in a crypto module) cannot be used for TSIG");
    }
    const lower = asciiLower(tag);
    if (NUMERIC_TAGS.has(lower)) {
      if (!/^\d+$/.test(values[0] ?? '')) return fail(line, `${tag} needs a number`);
      continue;
    }
    if (TIMING_TAGS.has(lower)) {
      if (!isTime(values[0] ?? '')) return fail(line, `${tag} needs a time as YYYYMMDDHHMMSS`);
      continue;
    }
    if (lower === 'key:' || lower === 'bits:') {
      elements++;
      const decoded = decodeBase64Strict(values.join(''));
      if (lower === 'key:') {
        if (!decoded) return fail(line, 'Key: is not valid base64');
        if (secret) return fail(line, 'Key: given twice');
        secret = { text: values.join(''), line };
      } else {
        if (decoded?.length !== 2) {
          return fail(line, 'Bits: must be two bytes in base64 (AAA= for the full MAC)');
        }
        if (bits) return fail(line, 'Bits: given twice');
        bits = { value: decoded.readUInt16BE(0), line };
      }
      continue;
    }
    if (minor > PRIVATE_FORMAT_MINOR) continue;
    return fail(line, `unknown field ${echo(tag)} in an HMAC key`);
  }
  if (!secret) return fail(lines.length, "no 'Key:' line", 'add `Key: <base64 secret>`');
  if (!bits && algorithm !== 157) {
    return fail(
      lines.length,
      "no 'Bits:' line: BIND requires it for SHA-based HMAC keys",
      'add `Bits: AAA=` (no truncation)',
    );
  }
  if (elements > 2) return fail(lines.length, 'too many key fields');
  return Ok({ secret: secret.text, secretLine: secret.line, bits: bits?.value ?? 0 });
}

/**
 * The algorithm text for {@link Key.from} of an HMAC key truncated to `bits` (0 = none),
 * rounding up to whole bytes and capping at the full digest as BIND does.
 */
function truncatedAlgorithm(algorithm: HmacAlgorithm, bits: number): string {
  const full = DIGEST_BYTES[algorithm] * 8;
  const rounded = (bits + 7) & ~7;
  return bits === 0 || rounded >= full ? algorithm : `${algorithm}-${rounded}`;
}

/**
 * Reads a key from the text of a K* pair (see {@link parseDnssecKeyPair}); `files` names the
 * two files in messages. Pure: reads nothing.
 */
export function parseDnssecKeyPairText(
  publicText: string,
  privateText: string,
  files: { readonly key: string; readonly private: string },
  onWarning: WarningSink = () => {},
): Result<Key, ConfigError> {
  const pub = parsePublicHalf(publicText, files.key);
  if (pub.isErr()) return pub;
  const { name, algorithm, line } = pub.value;
  const hmac = DNSSEC_HMAC_ALGORITHMS[algorithm];
  if (!hmac) {
    return Err(
      configError(
        'unsupported-algorithm',
        { file: files.key, line },
        `algorithm ${algorithm} is not an HMAC algorithm; SIG(0) keys are not supported`,
        { remedy: 'use an HMAC key: 157, 161, 162, 163, 164 or 165' },
      ),
    );
  }
  const priv = parsePrivateHalf(privateText, files.private, algorithm);
  if (priv.isErr()) return priv;
  const location: SourceLocation = { file: files.private, line: priv.value.secretLine };
  const secret = decodeBase64Strict(priv.value.secret);
  if (secret && !secret.equals(pub.value.data)) {
    return Err(
      configError(
        'invalid-key',
        location,
        `the secret differs from the KEY record's data in ${files.key} (BIND requires the two halves to match)`,
        { remedy: 'copy the Key: value into the .key record, or use the matching .key file' },
      ),
    );
  }
  const keyName = withoutFinalDot(name);
  const fromFile = fileNameParts(dnssecKeyPairPaths(files.private).base);
  if (fromFile && !sameName(withoutFinalDot(fromFile.name), keyName)) {
    onWarning(
      `${where({ file: files.key, line })}: the file name says key ${quoteName(fromFile.name)} but the record's owner is ${quoteName(name)}; using the owner, as nsupdate does`,
    );
  }
  const bits = priv.value.bits;
  const algorithmText = truncatedAlgorithm(hmac, bits);
  const key = Key.from(
    { name: keyName, algorithm: algorithmText, secret: priv.value.secret },
    location,
  );
  if (key.isErr()) {
    if (key.error.kind !== 'unsupported-algorithm') return key;
    return Err(
      configError(
        'invalid-key',
        location,
        `Bits: ${bits} is not a truncation of the ${hmac} MAC that BIND accepts (a multiple of 8, at most the digest size)`,
        { remedy: 'use Bits: AAA= (no truncation) or a truncation of at least half the digest' },
      ),
    );
  }
  const weak = weakTruncation(hmac, key.value.truncatedBits);
  if (weak !== undefined) {
    // named-checkconf's warning for the same truncation in a key statement.
    onWarning(`${where(location)}: key '${keyName}' digest-bits too small [<${weak}]`);
  }
  onWarning(
    `${where(location)}: K* file pairs for HMAC keys are deprecated by BIND; prefer a key file from tsig-keygen`,
  );
  return key;
}

/**
 * Reads the HMAC key of a `K{name}.+{alg}+{id}` pair, given the path of either file (or the
 * path without suffix, or with a trailing dot), as `nsupdate -k` does:
 *
 * - `.key`: `name. [ttl] [class] KEY flags protocol algorithm base64`; the owner is the key's
 *   name, the algorithm one of {@link DNSSEC_HMAC_ALGORITHMS};
 * - `.private`: `Private-key-format: v1.3`, `Algorithm: 163 (HMAC_SHA256)`, `Key: <base64>`
 *   (the same secret as the KEY record), `Bits: <base64 of a 16-bit count>` (required for the
 *   SHA algorithms; `AAA=` = no truncation), optionally timing fields (`Created: 20240101000000`).
 *
 * `onWarning` receives BIND's deprecation notice for K* HMAC pairs and a note when the file name
 * names another key than the record's owner (the owner wins, as in nsupdate).
 *
 * Errors (`file-unreadable`, `syntax`, `invalid-key`, `unsupported-algorithm`) name file and line
 * and never include the secret.
 */
export async function parseDnssecKeyPair(
  path: string,
  options: ParseDnssecKeyPairOptions = {},
): Promise<Result<Key, ConfigError>> {
  const paths = dnssecKeyPairPaths(path);
  const readFile = options.readFile ?? readFileBounded;
  const publicText = await readConfigText(paths.key, readFile);
  if (publicText.isErr()) return publicText;
  const privateText = await readConfigText(paths.private, readFile);
  if (privateText.isErr()) return privateText;
  return parseDnssecKeyPairText(publicText.value, privateText.value, paths, options.onWarning);
}

/**
 * Reads a named.conf-style key file the way `nsupdate -k` does: exactly one `key` statement with
 * `algorithm` and `secret` and nothing else (includes are followed).
 */
async function parseSessionKeyFile(
  path: string,
  options: LoadNsupdateKeyOptions,
): Promise<Result<Key, ConfigError>> {
  const loaded = await loadConfigFile(path, options);
  if (loaded.isErr()) return loaded;
  let found: Key | undefined;
  for (const statement of loaded.value.statements) {
    const name = keyword(statement);
    const here = locate(statement);
    if (name !== 'key') {
      const shown = name ? echo(name) : "a '{' block";
      return Err(
        configError('syntax', here, `unknown statement ${shown}: nsupdate reads only a key`, {
          remedy: 'give nsupdate a file holding just the key statement (tsig-keygen output)',
        }),
      );
    }
    const clauses = statement.block ?? [];
    for (const clause of clauses) {
      const clauseName = keyword(clause);
      if (clauseName !== 'algorithm' && clauseName !== 'secret') {
        const shown = clauseName ? echo(clauseName) : "a '{' block";
        return Err(configError('syntax', locate(clause), `unknown key clause ${shown}`));
      }
    }
    const key = keyFromStatement(statement, options.onWarning ?? (() => {}));
    if (key.isErr()) return key;
    const badName = keyNameProblem(key.value.name);
    if (badName !== undefined) {
      // nsupdate: `dns_name_fromtext: empty label` (or `label too long`), exit 1.
      return Err(
        configError('invalid-key', here, `bad key name ${quoteName(key.value.name)}: ${badName}`, {
          remedy: 'a TSIG key name is a domain name: labels of 1 to 63 bytes',
        }),
      );
    }
    if (/^hmac-md5\.sig-alg\.reg\.int\.?$/.test(key.value.algorithmName)) {
      // named accepts RFC 2845's name of hmac-md5 in a key statement; nsupdate -k does not
      // (`unknown key type 'hmac-md5.sig-alg.reg.int'`, exit 1; BIND 9.16-9.20).
      return Err(
        configError(
          'unsupported-algorithm',
          key.value.location,
          `unknown key type '${key.value.algorithmName}'`,
          { remedy: "write 'algorithm hmac-md5;' (nsupdate does not read the long name)" },
        ),
      );
    }
    if (found) {
      return Err(
        configError('invalid-key', here, "'key' redefined: nsupdate reads a single key", {
          remedy: 'keep one key statement in the file',
        }),
      );
    }
    found = key.value;
  }
  if (!found) {
    return Err(
      configError('missing-key', undefined, `${path}: no 'key' statement found`, {
        remedy: 'create one with `tsig-keygen NAME`',
      }),
    );
  }
  return Ok(found);
}

/**
 * Loads the key of `nsupdate -k path`, in any form nsupdate accepts, trying them in nsupdate's
 * order: first a K* pair named by `path` ({@link parseDnssecKeyPair}), then `path` itself as a
 * named.conf-style file with one `key` statement (tsig-keygen / ddns-confgen output,
 * session.key; `algorithm hmac-sha256-128` gives a key truncated to 128 bits).
 *
 * When both fail, the error reported is the K* pair's if `path` looks like one (a `K…+alg+id`
 * name or a `.private` suffix), otherwise the key file's. Unlike nsupdate, which prints the
 * error and carries on unsigned, this is always an error.
 */
export async function loadNsupdateKey(
  path: string,
  options: LoadNsupdateKeyOptions = {},
): Promise<Result<Key, ConfigError>> {
  const pairWarnings: string[] = [];
  const pair = await parseDnssecKeyPair(path, {
    ...(options.readFile ? { readFile: options.readFile } : {}),
    onWarning: (warning) => pairWarnings.push(warning),
  });
  if (pair.isOk()) {
    for (const warning of pairWarnings) options.onWarning?.(warning);
    return pair;
  }
  const conf = await parseSessionKeyFile(path, options);
  if (conf.isOk()) return conf;
  const paths = dnssecKeyPairPaths(path);
  const looksLikePair = fileNameParts(paths.base) !== undefined || path.endsWith('.private');
  return looksLikePair ? pair : conf;
}
