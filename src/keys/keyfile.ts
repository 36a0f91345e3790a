/**
 * Reading keys: key files (rndc.key, tsig-keygen output, named.conf fragments, rndc-confgen
 * output) and nsupdate-style `-y [alg:]name:secret` strings.
 */

import type { ConfigError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { decodeBase64Strict, HMAC_ALGORITHMS, Key, parseAlgorithm } from './key.js';
import { keyNameId, keyNameProblem } from './key-name.js';
import { keyFromStatement, type WarningSink } from './keyblock.js';
import { tokenize } from './lexer.js';
import { type IncludeOptions, loadConfigFile } from './load.js';
import { asciiLower, configError, echo, quoteName, where } from './problems.js';
import { keyword, parseStatements, type Statement } from './tree.js';

/** Options of {@link parseKeyText}. */
export interface ParseKeyTextOptions {
  /** Receives a `file:line: …` warning for each statement or clause ignored. */
  readonly onWarning?: WarningSink | undefined;
}

/** Options of {@link parseKeyFile}: how includes are followed, where warnings go. */
export interface ParseKeyFileOptions extends IncludeOptions, ParseKeyTextOptions {}

/** Default algorithm of {@link parseKeyString} when none is given (nsupdate's default). */
export const KEY_STRING_DEFAULT_ALGORITHM = 'hmac-md5';

/**
 * The keys defined by top-level `key` statements, in file order. Other statements are
 * ignored (with a warning). Two keys with the same name (ignoring case) are an error, as in
 * named. No key at all is a `missing-key` error.
 */
function keysOf(
  statements: readonly Statement[],
  file: string,
  warn: WarningSink,
  includesFollowed: boolean,
): Result<Key[], ConfigError> {
  const keys: Key[] = [];
  const byName = new Map<string, Key>();
  for (const statement of statements) {
    const name = keyword(statement);
    if (name === 'key') {
      const key = keyFromStatement(statement, warn);
      if (key.isErr()) return key;
      const bad = keyNameProblem(key.value.name);
      if (bad !== undefined) {
        return Err(
          configError(
            'invalid-key',
            { file: statement.file, line: statement.line },
            `key ${quoteName(key.value.name)}: bad key name (${bad})`,
            { remedy: 'a TSIG key name is a domain name: labels of 1 to 63 bytes' },
          ),
        );
      }
      const id = keyNameId(key.value.name);
      const previous = byName.get(id);
      if (previous) {
        const before = previous.location
          ? `: previous definition at ${where(previous.location)}`
          : '';
        return Err(
          configError(
            'invalid-key',
            { file: statement.file, line: statement.line },
            `key ${quoteName(key.value.name)} already exists${before}`,
            { remedy: 'give each key a different name (names are compared ignoring case)' },
          ),
        );
      }
      byName.set(id, key.value);
      keys.push(key.value);
    } else if (name === 'include' && !includesFollowed) {
      warn(
        `${statement.file}:${statement.line}: include not followed (parseKeyText reads no files; use parseKeyFile)`,
      );
    } else {
      const shown = name ? echo(name) : "a '{' block";
      warn(`${statement.file}:${statement.line}: statement ${shown} ignored (not a key)`);
    }
  }
  if (keys.length === 0) {
    return Err(
      configError('missing-key', undefined, `${file}: no 'key' statement found`, {
        remedy: 'create one with `tsig-keygen NAME` or `rndc-confgen -a`',
      }),
    );
  }
  return Ok(keys);
}

/**
 * Parses the keys in configuration text: an rndc.key (one `key` statement), tsig-keygen
 * output, full rndc-confgen output (its named.conf part is commented out), or a named.conf
 * fragment with several `key` blocks. `include` statements are not followed (see
 * {@link parseKeyFile}). `file` names the text in error messages.
 *
 * Errors: `syntax`, `invalid-key` (missing algorithm or secret, bad base64, duplicate name),
 * `unsupported-algorithm`, `missing-key` (no key at all); each names file and line.
 */
export function parseKeyText(
  text: string,
  file = '<text>',
  options: ParseKeyTextOptions = {},
): Result<Key[], ConfigError> {
  const warn = options.onWarning ?? (() => {});
  const tokens = tokenize(text, file);
  if (tokens.isErr()) return tokens;
  const statements = parseStatements(tokens.value, file);
  if (statements.isErr()) return statements;
  return keysOf(statements.value, file, warn, false);
}

/**
 * Reads a key file (see {@link parseKeyText} for what it may contain), following `include`
 * statements. Read errors are kind `file-unreadable`.
 */
export async function parseKeyFile(
  path: string,
  options: ParseKeyFileOptions = {},
): Promise<Result<Key[], ConfigError>> {
  const loaded = await loadConfigFile(path, options);
  if (loaded.isErr()) return loaded;
  return keysOf(loaded.value.statements, path, options.onWarning ?? (() => {}), true);
}

/**
 * The key named `name` (compared ignoring ASCII case, as BIND does) among `keys`, e.g. the
 * result of {@link parseKeyFile}. Fails with `missing-key`.
 */
export function pickKey(keys: readonly Key[], name: string): Result<Key, ConfigError> {
  const id = asciiLower(name);
  const found = keys.find((key) => asciiLower(key.name) === id);
  if (found) return Ok(found);
  const file = keys[0]?.location?.file;
  const known = keys.map((key) => quoteName(key.name)).join(', ') || 'none';
  return Err(
    configError(
      'missing-key',
      undefined,
      `no key named ${quoteName(name)}${file ? ` in ${file}` : ''} (keys defined: ${known})`,
    ),
  );
}

/**
 * Parses a key given the way `nsupdate -y` and `dig -y` take it: `[algorithm:]name:secret`,
 * with the secret in base64. When the algorithm is omitted it is **hmac-md5**, as nsupdate
 * does (for compatibility with old versions) — write it out for anything else.
 *
 * Errors (`invalid-key`, `unsupported-algorithm`) never repeat the string, which holds the secret.
 */
export function parseKeyString(text: string): Result<Key, ConfigError> {
  const fields = text.trim().split(':');
  if (fields.length < 2 || fields.length > 3) {
    return Err(
      configError('invalid-key', undefined, 'a key string must look like [algorithm:]name:secret', {
        remedy: 'e.g. hmac-sha256:my-key:c2VjcmV0c2VjcmV0c2VjcmV0',
      }),
    );
  }
  const [algorithm, name, secret] =
    fields.length === 3 ? fields : [KEY_STRING_DEFAULT_ALGORITHM, ...fields];
  if (!name) {
    return Err(configError('invalid-key', undefined, 'the key string has an empty key name'));
  }
  if (!parseAlgorithm(algorithm ?? '')) {
    return Err(
      configError(
        'unsupported-algorithm',
        undefined,
        `the key string's algorithm ${echo(algorithm ?? '')} is not supported`,
        { remedy: `use one of ${HMAC_ALGORITHMS.join(', ')}` },
      ),
    );
  }
  if (!decodeBase64Strict(secret ?? '')) {
    return Err(
      configError('invalid-key', undefined, "the key string's secret is not valid base64", {
        remedy: 'the secret is the last field, base64 as tsig-keygen prints it',
      }),
    );
  }
  return Key.from({ name, algorithm: algorithm ?? '', secret: secret ?? '' });
}
