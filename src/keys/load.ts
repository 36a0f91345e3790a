/**
 * Turns configuration text into a statement tree with every `include "file";` replaced by the
 * statements of that file, wherever it appears (top level or inside a block, as in BIND).
 *
 * Relative include paths: BIND resolves them against the process's working directory (named
 * usually `chdir`s to its `directory` first). A library cannot rely on the caller's working
 * directory, so here they are resolved against the directory of the file that contains the
 * `include`, unless `baseDir` is given: then every relative include is resolved against
 * `baseDir` (pass `process.cwd()` to get exactly BIND's behaviour).
 *
 * Bounded: at most {@link MAX_INCLUDE_DEPTH} nested includes, {@link MAX_INCLUDED_FILES} files
 * and {@link MAX_TOTAL_CHARS} characters in all; a file that includes itself, directly or not,
 * is an `include-loop` error naming the chain.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { tokenize } from './lexer.js';
import { configError, quoteName } from './problems.js';
import { type ReadFileFn, readConfigText, readFileBounded } from './read.js';
import { keyword, makeStatement, type Part, parseStatements, type Statement } from './tree.js';

/** Deepest chain of includes followed. */
export const MAX_INCLUDE_DEPTH = 16;
/** Most files read for one configuration, the main file included. */
export const MAX_INCLUDED_FILES = 128;
/** Most characters read for one configuration, all files together (16 Mi). */
export const MAX_TOTAL_CHARS = 16 * 1024 * 1024;

/** How included files are found and read. */
export interface IncludeOptions {
  /**
   * Directory that relative `include` paths are resolved against. Default: the directory of
   * the file containing the `include`. BIND itself uses the working directory
   * (`process.cwd()`).
   */
  readonly baseDir?: string | undefined;
  /** Reads an included file. Default: a bounded read of a regular file from disk. */
  readonly readFile?: ReadFileFn | undefined;
  /**
   * Follow `options { directory }` as named does: named changes its working directory as soon
   * as that option is parsed (BIND 9.16–9.20 `directory_callback`, server.c), so relative
   * includes after it resolve against `directory`, those before it against `baseDir`.
   * Default false.
   */
  readonly followDirectory?: boolean | undefined;
}

/** A configuration with its includes expanded. */
export interface LoadedConfig {
  readonly statements: readonly Statement[];
  /** Every file read, main file first, in the order read. */
  readonly files: readonly string[];
}

interface State {
  baseDir: string | undefined;
  readonly followDirectory: boolean;
  readonly readFile: ReadFileFn;
  readonly files: string[];
  totalChars: number;
}

/** The statements of `text` (named `file`, already read), includes expanded. */
export async function loadConfigText(
  text: string,
  file: string,
  options: IncludeOptions = {},
): Promise<Result<LoadedConfig, ConfigError>> {
  const state: State = {
    baseDir: options.baseDir,
    followDirectory: options.followDirectory === true,
    readFile: options.readFile ?? readFileBounded,
    files: [file],
    totalChars: text.length,
  };
  const result = await parseAndExpand(text, file, [resolve(file)], 0, state);
  return result.map((statements) => ({ statements, files: state.files }));
}

/** Reads `path` and returns its statements, includes expanded. */
export async function loadConfigFile(
  path: string,
  options: IncludeOptions = {},
): Promise<Result<LoadedConfig, ConfigError>> {
  const text = await readConfigText(path, options.readFile ?? readFileBounded);
  if (text.isErr()) return text;
  return loadConfigText(text.value, path, options);
}

async function parseAndExpand(
  text: string,
  file: string,
  chain: readonly string[],
  depth: number,
  state: State,
  parent = '',
): Promise<Result<Statement[], ConfigError>> {
  const tokens = tokenize(text, file);
  if (tokens.isErr()) return tokens;
  const statements = parseStatements(tokens.value, file, depth);
  if (statements.isErr()) return statements;
  // `parent`: keyword of the top-level statement whose block this is ('' at the top level).
  return expandList(statements.value, chain, depth, state, parent);
}

async function expandList(
  statements: readonly Statement[],
  chain: readonly string[],
  depth: number,
  state: State,
  parent: string,
): Promise<Result<Statement[], ConfigError>> {
  const out: Statement[] = [];
  for (const statement of statements) {
    if (state.followDirectory && parent === 'options' && keyword(statement) === 'directory') {
      const value = statement.parts[1];
      if (value?.kind === 'word') {
        state.baseDir = resolve(state.baseDir ?? dirname(statement.file), value.text);
      }
    }
    if (keyword(statement) === 'include') {
      const included = await include(statement, chain, depth, state, parent);
      if (included.isErr()) return included;
      out.push(...included.value);
      continue;
    }
    if (!statement.parts.some((part) => part.kind === 'block')) {
      out.push(statement);
      continue;
    }
    const parts: Part[] = [];
    for (const part of statement.parts) {
      if (part.kind === 'word') {
        parts.push(part);
        continue;
      }
      const inner = await expandList(
        part.statements,
        chain,
        depth + 1,
        state,
        // Only `options { directory }` at the top level counts (not a view's or a zone's).
        parent === '' ? keyword(statement) : '-',
      );
      if (inner.isErr()) return inner;
      parts.push({ ...part, statements: inner.value });
    }
    out.push(makeStatement(statement.file, parts));
  }
  return Ok(out);
}

async function include(
  statement: Statement,
  chain: readonly string[],
  depth: number,
  state: State,
  parent: string,
): Promise<Result<Statement[], ConfigError>> {
  const here: SourceLocation = { file: statement.file, line: statement.line };
  const target = statement.parts[1];
  if (statement.parts.length !== 2 || target?.kind !== 'word') {
    return Err(configError('syntax', here, 'include expects exactly one file name'));
  }
  const base = state.baseDir ?? dirname(statement.file);
  const path = isAbsolute(target.text) ? target.text : resolve(base, target.text);
  const absolute = resolve(path);
  if (chain.includes(absolute)) {
    const loop = [...chain.slice(chain.indexOf(absolute)), absolute].map(quoteName).join(' → ');
    return Err(
      configError('include-loop', here, `include loop: ${loop}`, {
        remedy: 'remove the include that leads back to a file already being read',
      }),
    );
  }
  if (chain.length > MAX_INCLUDE_DEPTH) {
    return Err(
      configError('include-loop', here, `includes nested deeper than ${MAX_INCLUDE_DEPTH} files`, {
        causes: ['an include loop through symbolic links or differently spelled paths'],
      }),
    );
  }
  if (state.files.length >= MAX_INCLUDED_FILES) {
    return Err(configError('syntax', here, `more than ${MAX_INCLUDED_FILES} files included`));
  }
  const text = await readConfigText(path, state.readFile, here);
  if (text.isErr()) return text;
  state.files.push(path);
  state.totalChars += text.value.length;
  if (state.totalChars > MAX_TOTAL_CHARS) {
    return Err(
      configError('syntax', here, `configuration larger than ${MAX_TOTAL_CHARS} characters in all`),
    );
  }
  // The included statements sit at the include's nesting depth: MAX_NESTING spans files.
  return parseAndExpand(text.value, path, [...chain, absolute], depth, state, parent);
}
