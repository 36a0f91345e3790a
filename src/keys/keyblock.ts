/**
 * Interprets one `key "name" { algorithm …; secret "…"; };` statement, the same statement in
 * rndc.conf, rndc.key, named.conf and tsig-keygen output.
 */

import type { ConfigError } from '../errors.js';
import { Err, type Result } from '../result.js';
import { labelledBlock, locate, readClauses, singleValue } from './clauses.js';
import { decodeBase64Strict, HMAC_ALGORITHMS, Key, parseAlgorithm, weakTruncation } from './key.js';
import { configError, echo, quoteName } from './problems.js';
import { keyword, type Statement } from './tree.js';

/** Receives a warning (`file:line: …`) about something ignored. */
export type WarningSink = (warning: string) => void;

/**
 * The key a `key` statement defines. Errors: `syntax` (shape, or a clause other than `algorithm`
 * and `secret`: named-checkconf, nsupdate and rndc all refuse one with `unknown option`),
 * `invalid-key` (missing algorithm or secret, bad base64), `unsupported-algorithm`. A MAC
 * truncated below BIND's recommended minimum is accepted with named-checkconf's warning, given
 * to `warn`. No message ever contains the secret.
 */
export function keyFromStatement(
  statement: Statement,
  warn: WarningSink,
): Result<Key, ConfigError> {
  const shape = labelledBlock(statement, 'key');
  if (shape.isErr()) return shape;
  const { label, block } = shape.value;
  const name = label.text;
  let unknown: ConfigError | undefined;
  const clauses = readClauses(
    block,
    { algorithm: (clause) => singleValue(clause), secret: (clause) => singleValue(clause, true) },
    (clause) => {
      const clauseName = keyword(clause);
      const shown = clauseName ? echo(clauseName) : "a '{' block";
      unknown ??= configError(
        'syntax',
        locate(clause),
        `unknown option ${shown} in key ${quoteName(name)}`,
        { remedy: "a key statement holds only 'algorithm' and 'secret'" },
      );
    },
  );
  if (clauses.isErr()) return clauses;
  if (unknown) return Err(unknown);
  const { algorithm, secret } = clauses.value.values;
  const keyLocation = locate(statement);
  if (algorithm === undefined || secret === undefined) {
    return Err(
      configError(
        'invalid-key',
        keyLocation,
        `key ${quoteName(name)} must have both 'secret' and 'algorithm' defined`,
        { remedy: 'copy the whole key statement as tsig-keygen or rndc-confgen printed it' },
      ),
    );
  }
  const parsed = parseAlgorithm(algorithm.text);
  if (!parsed) {
    return Err(
      configError(
        'unsupported-algorithm',
        locate(statement, algorithm),
        `key ${quoteName(name)}: unknown algorithm ${echo(algorithm.text)}`,
        { remedy: `use one of ${HMAC_ALGORITHMS.join(', ')}` },
      ),
    );
  }
  if (!decodeBase64Strict(secret.text)) {
    return Err(
      configError(
        'invalid-key',
        locate(statement, secret),
        `key ${quoteName(name)}: bad secret (not valid base64)`,
        { remedy: 'copy the secret exactly as tsig-keygen or rndc-confgen printed it' },
      ),
    );
  }
  const weak = weakTruncation(parsed.algorithm, parsed.truncatedBits);
  if (weak !== undefined) {
    // named-checkconf's warning (bin/check, BIND 9.16-9.20); nsupdate -k says nothing.
    warn(
      `${statement.file}:${algorithm.line}: key ${echoName(name)} digest-bits too small [<${weak}]`,
    );
  }
  return Key.from({ name, algorithm: algorithm.text, secret: secret.text }, keyLocation);
}

/** A key name in BIND's quotes (`'k'`), control characters escaped, long names cut. */
function echoName(name: string): string {
  const shown = name.length > 200 ? `${name.slice(0, 200)}…` : name;
  return `'${JSON.stringify(shown).slice(1, -1)}'`;
}
