/**
 * Tokenizer for BIND's configuration syntax (named.conf, rndc.conf, rndc.key).
 *
 * - Comments: `/* … *\/` (may span lines), `// …` and `# …` to the end of the line. A comment
 *   marker also ends a bare word (`key a#b` is the word `a`), as in BIND.
 * - Quoted strings `"…"` may span lines; a backslash makes the next character literal
 *   (`\"` → `"`, `\\` → `\`; the backslash itself is dropped).
 * - Punctuation `{`, `}` and `;` are tokens of their own; everything else up to whitespace,
 *   punctuation, a quote or a comment marker is a bare word.
 * - Control characters (NUL, …) are refused: such input is binary data, not a configuration.
 *
 * One pass, linear time, no backtracking; the input length is capped at {@link MAX_CONFIG_CHARS}.
 */

import type { ConfigError } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { configError } from './problems.js';

/** Largest configuration text accepted, in UTF-16 code units (8 Mi). */
export const MAX_CONFIG_CHARS = 8 * 1024 * 1024;

/** What a token is. `word` is a bare word, `string` a quoted string (quotes removed). */
export type TokenType = 'word' | 'string' | '{' | '}' | ';';

/** One token and the line it starts on (1-based). */
export interface Token {
  readonly type: TokenType;
  /** The word, or the string's content with escapes resolved; the punctuation itself otherwise. */
  readonly text: string;
  readonly line: number;
}

/** Index of the first control character other than tab, LF, VT, FF and CR; -1 if none. */
function findBinary(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && (code < 0x09 || code > 0x0d)) || code === 0x7f) return i;
  }
  return -1;
}
// Characters that end a bare word (comment markers are checked separately).
const WORD_END = new Set([' ', '\t', '\n', '\r', '\f', '\v', '{', '}', ';', '"', '#']);

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Newlines in `text[from, to)`. Looks at those characters only: `indexOf` would search past `to`
 * to the end of the text, and a file of many `/**\/` without a newline made that quadratic.
 */
function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/**
 * Splits configuration text into tokens. Fails with kind `syntax` (message `file:line: …`) on
 * an unterminated string or comment, on binary data, or on input over {@link MAX_CONFIG_CHARS}.
 */
export function tokenize(text: string, file: string): Result<Token[], ConfigError> {
  if (text.length > MAX_CONFIG_CHARS) {
    return Err(
      configError(
        'syntax',
        { file, line: 1 },
        `configuration is too large (${text.length} characters; the limit is ${MAX_CONFIG_CHARS})`,
      ),
    );
  }
  const binary = findBinary(text);
  if (binary !== -1) {
    const code = text.charCodeAt(binary).toString(16).padStart(2, '0');
    return Err(
      configError(
        'syntax',
        { file, line: lineAt(text, binary) },
        `control character 0x${code} found: this is binary data, not a configuration file`,
      ),
    );
  }

  const tokens: Token[] = [];
  const n = text.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
    } else if (c === '#' || (c === '/' && next === '/')) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? n : end;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) {
        return Err(
          configError(
            'syntax',
            { file, line },
            "unterminated '/*' comment (no '*/' before end of file)",
          ),
        );
      }
      line += countNewlines(text, i, end);
      i = end + 2;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push({ type: c, text: c, line });
      i++;
    } else if (c === '"') {
      const startLine = line;
      const parts: string[] = [];
      let j = i + 1;
      let chunkStart = j;
      let closed = false;
      while (j < n) {
        const d = text[j];
        if (d === '"') {
          parts.push(text.slice(chunkStart, j));
          closed = true;
          j++;
          break;
        }
        if (d === '\\') {
          parts.push(text.slice(chunkStart, j));
          if (text[j + 1] === '\n') line++;
          chunkStart = j + 1; // the escaped character starts the next chunk
          j += 2;
          continue;
        }
        if (d === '\n') line++;
        j++;
      }
      if (!closed) {
        return Err(
          configError(
            'syntax',
            { file, line: startLine },
            "unterminated quoted string (no closing '\"' before end of file)",
          ),
        );
      }
      tokens.push({ type: 'string', text: parts.join(''), line: startLine });
      i = j;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text[j] as string;
        if (WORD_END.has(d)) break;
        if (d === '/' && (text[j + 1] === '/' || text[j + 1] === '*')) break;
        j++;
      }
      tokens.push({ type: 'word', text: text.slice(i, j), line });
      i = j;
    }
  }
  return Ok(tokens);
}
