/**
 * Interprets one `key "name" { algorithm …; secret "…"; };` statement, the same statement in
 * rndc.conf, rndc.key, named.conf and tsig-keygen output.
 */
import { Err, type Result } from 'ts-results-es';
import type { ConfigError } from '../errors.js';
import { labelledBlock, locate, readClauses, singleValue } from './clauses.js';
import { decodeBase64Strict, HMAC_ALGORITHMS, Key, parseAlgorithm } from './key.js';
import { configError, echo, quoteName } from './problems.js';
import { keyword, type Statement } from './tree.js';

/** Receives a warning (`file:line: …`) about something ignored. */
export type WarningSink = (warning: string) => void;

/**
 * The key a `key` statement defines. Errors: `syntax` (shape), `invalid-key` (missing
 * algorithm or secret, bad base64), `unsupported-algorithm`. Unknown clauses inside the block
 * are reported to `warn` and ignored. No message ever contains the secret.
 */
export function keyFromStatement(
  statement: Statement,
  warn: WarningSink,
): Result<Key, ConfigError> {
  const shape = labelledBlock(statement, 'key');
  if (shape.isErr()) return shape;
  const { label, block } = shape.value;
  const name = label.text;
  const clauses = readClauses(
    block,
    { algorithm: (clause) => singleValue(clause), secret: (clause) => singleValue(clause, true) },
    (clause) => {
      const clauseName = keyword(clause);
      const shown = clauseName ? echo(clauseName) : "a '{' block";
      warn(
        `${clause.file}:${clause.line}: unknown clause ${shown} in key ${quoteName(name)} ignored`,
      );
    },
  );
  if (clauses.isErr()) return clauses;
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
  if (!parseAlgorithm(algorithm.text)) {
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
  return Key.from({ name, algorithm: algorithm.text, secret: secret.text }, keyLocation);
}
