/**
 * The generic statement tree of BIND's configuration syntax, before any meaning is given to it.
 *
 * A statement is a sequence of words and `{ … }` blocks ended by `;`:
 * `key "k" { algorithm hmac-sha256; secret "…"; };` is the words `key`, `k` and one block.
 * Most statements are "words, then at most one block", which {@link Statement.words} and
 * {@link Statement.block} expose directly; {@link Statement.parts} keeps everything in order for
 * the rest (`inet * allow { any; } keys { k; };`).
 */

import type { ConfigError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import type { Token } from './lexer.js';
import { asciiLower, configError, echo } from './problems.js';

/** Deepest `{ … }` nesting accepted (across included files too). */
export const MAX_NESTING = 64;

/** A bare word or quoted string. */
export interface Word {
  readonly kind: 'word';
  readonly text: string;
  /** True when it was written as a quoted string. */
  readonly quoted: boolean;
  readonly line: number;
}

/** A `{ … }` block. */
export interface Block {
  readonly kind: 'block';
  readonly statements: readonly Statement[];
  /** Line of the opening brace. */
  readonly line: number;
}

/** One element of a statement. */
export type Part = Word | Block;

/** A statement: words and blocks up to its `;`, with where it starts. */
export interface Statement {
  /** The file it was read from (an included file for included statements). */
  readonly file: string;
  /** The line of its first word or brace. */
  readonly line: number;
  /** Everything, in order. */
  readonly parts: readonly Part[];
  /** The words before the first block. */
  readonly words: readonly Word[];
  /** The contents of the first block, if any. */
  readonly block: readonly Statement[] | undefined;
}

/** Builds a statement from its parts (at least one). */
export function makeStatement(file: string, parts: readonly Part[]): Statement {
  const firstBlock = parts.findIndex((part) => part.kind === 'block');
  const words = (firstBlock === -1 ? parts : parts.slice(0, firstBlock)) as Word[];
  const block = firstBlock === -1 ? undefined : (parts[firstBlock] as Block).statements;
  return { file, line: parts[0]?.line ?? 0, parts, words, block };
}

/** The statement's first word lower-cased (its keyword), or `''` when it starts with a block. */
export function keyword(statement: Statement): string {
  const first = statement.parts[0];
  return first?.kind === 'word' ? asciiLower(first.text) : '';
}

/** How a part is shown in a message (`'{'` for a block). */
export function describePart(part: Part): string {
  return part.kind === 'block' ? "'{'" : echo(part.text);
}

interface Frame {
  readonly statements: Statement[];
  parts: Part[];
  readonly openLine: number;
}

/**
 * Groups tokens into statements. `depth` is the nesting the tokens start at (for included
 * files), so the {@link MAX_NESTING} bound holds across includes. Errors are kind `syntax`:
 * a missing `;`, a stray `}` or `;`, an unclosed `{`, nesting too deep.
 */
export function parseStatements(
  tokens: readonly Token[],
  file: string,
  depth = 0,
): Result<Statement[], ConfigError> {
  const root: Frame = { statements: [], parts: [], openLine: 0 };
  const stack: Frame[] = [root];
  let lastLine = 1;
  for (const token of tokens) {
    const frame = stack[stack.length - 1] as Frame;
    lastLine = token.line;
    const here = { file, line: token.line };
    switch (token.type) {
      case 'word':
      case 'string':
        frame.parts.push({
          kind: 'word',
          text: token.text,
          quoted: token.type === 'string',
          line: token.line,
        });
        break;
      case '{':
        if (depth + stack.length > MAX_NESTING) {
          return Err(configError('syntax', here, `blocks nested deeper than ${MAX_NESTING}`));
        }
        stack.push({ statements: [], parts: [], openLine: token.line });
        break;
      case '}': {
        if (stack.length === 1) return Err(configError('syntax', here, "unexpected '}'"));
        if (frame.parts.length > 0) {
          return Err(configError('syntax', here, "missing ';' before '}'"));
        }
        stack.pop();
        const parent = stack[stack.length - 1] as Frame;
        parent.parts.push({ kind: 'block', statements: frame.statements, line: frame.openLine });
        break;
      }
      case ';':
        if (frame.parts.length === 0) {
          return Err(configError('syntax', here, "syntax error near ';' (empty statement)"));
        }
        frame.statements.push(makeStatement(file, frame.parts));
        frame.parts = [];
        break;
    }
  }
  const open = stack[stack.length - 1] as Frame;
  if (stack.length > 1) {
    return Err(
      configError(
        'syntax',
        { file, line: open.openLine },
        `'{' opened here is never closed ('}' expected before end of file, line ${lastLine})`,
      ),
    );
  }
  if (open.parts.length > 0) {
    return Err(configError('syntax', { file, line: lastLine }, "missing ';' before end of file"));
  }
  return Ok(root.statements);
}
