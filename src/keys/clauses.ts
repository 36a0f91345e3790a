/**
 * Checks of a statement's shape shared by the interpreters of `key`, `options` and `server`:
 * "`name value;`", "`name label { … };`", numbers. Errors read like BIND's
 * (`missing ';' before 'secret'`) and carry file and line.
 */

import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { configError } from './problems.js';
import { describePart, keyword, type Part, type Statement, type Word } from './tree.js';

/** Where a statement or part is. */
export function locate(statement: Statement, part?: Part): SourceLocation {
  return { file: statement.file, line: part?.line ?? statement.line };
}

/**
 * The error for an unexpected extra part: most often a forgotten `;` before the next clause.
 * With `sensitive`, the part is never quoted (it may be key material).
 */
export function extraPart(statement: Statement, part: Part, sensitive = false): ConfigError {
  const shown = sensitive ? 'the next word' : describePart(part);
  return configError('syntax', locate(statement, part), `missing ';' before ${shown}`);
}

/**
 * The single value of a `name value;` clause. With `sensitive` (a secret), error messages never
 * show the value or what follows it.
 */
export function singleValue(statement: Statement, sensitive = false): Result<Word, ConfigError> {
  const name = statement.parts[0];
  const value = statement.parts[1];
  const label = name?.kind === 'word' ? `'${name.text}'` : 'this clause';
  if (value === undefined) {
    return Err(configError('syntax', locate(statement), `${label} needs a value`));
  }
  if (value.kind === 'block') {
    return Err(
      configError('syntax', locate(statement, value), `${label} takes a value, not a block`),
    );
  }
  const extra = statement.parts[2];
  if (extra !== undefined) return Err(extraPart(statement, extra, sensitive));
  return Ok(value);
}

/**
 * The parts of a `keyword label { … };` statement (`key`, `server`): its label and block.
 * `what` names the statement in messages.
 */
export function labelledBlock(
  statement: Statement,
  what: string,
): Result<{ label: Word; block: readonly Statement[] }, ConfigError> {
  const label = statement.parts[1];
  const block = statement.parts[2];
  if (label === undefined || label.kind !== 'word') {
    return Err(configError('syntax', locate(statement, label), `'${what}' needs a name`));
  }
  if (block === undefined || block.kind !== 'block') {
    const near = block === undefined ? "';'" : describePart(block);
    return Err(configError('syntax', locate(statement, block), `'{' expected near ${near}`));
  }
  const extra = statement.parts[3];
  if (extra !== undefined) return Err(extraPart(statement, extra));
  return Ok({ label, block: block.statements });
}

/** The block of a `keyword { … };` statement (`options`, `addresses`). */
export function plainBlock(
  statement: Statement,
  what: string,
): Result<readonly Statement[], ConfigError> {
  const block = statement.parts[1];
  if (block === undefined || block.kind !== 'block') {
    const near = block === undefined ? "';'" : describePart(block);
    return Err(
      configError('syntax', locate(statement, block), `'{' expected after '${what}' near ${near}`),
    );
  }
  const extra = statement.parts[2];
  if (extra !== undefined) return Err(extraPart(statement, extra));
  return Ok(block.statements);
}

/** An unsigned 32-bit integer, as BIND's `<integer>`. */
export function uint32(statement: Statement, word: Word): Result<number, ConfigError> {
  if (!word.quoted && /^\d{1,10}$/.test(word.text)) {
    const value = Number(word.text);
    if (value <= 0xffff_ffff) return Ok(value);
  }
  return Err(
    configError('syntax', locate(statement, word), `expected number near ${describePart(word)}`),
  );
}

/** Parsers of the clauses a block may hold, by lower-case clause name. */
export type ClauseParsers = Readonly<
  Record<string, (clause: Statement) => Result<unknown, ConfigError>>
>;

/** The values {@link readClauses} found, by clause name; absent clauses are missing. */
export type ClauseValues<P extends ClauseParsers> = {
  -readonly [K in keyof P]?: P[K] extends (clause: Statement) => Result<infer T, ConfigError>
    ? T
    : never;
};

/**
 * Reads the clauses of a block with `parsers`; each known clause may appear once (else
 * `'name' redefined`), unknown ones go to `onUnknown`.
 */
export function readClauses<P extends ClauseParsers>(
  block: readonly Statement[],
  parsers: P,
  onUnknown: (clause: Statement) => void,
): Result<{ values: ClauseValues<P>; locations: Map<string, SourceLocation> }, ConfigError> {
  const values: Record<string, unknown> = {};
  const locations = new Map<string, SourceLocation>();
  for (const clause of block) {
    const name = keyword(clause);
    const parse = Object.hasOwn(parsers, name) ? parsers[name] : undefined;
    if (!parse) {
      onUnknown(clause);
      continue;
    }
    if (locations.has(name)) {
      return Err(configError('syntax', locate(clause), `'${name}' redefined`));
    }
    const value = parse(clause);
    if (value.isErr()) return value;
    values[name] = value.value;
    locations.set(name, locate(clause));
  }
  return Ok({ values: values as ClauseValues<P>, locations });
}
