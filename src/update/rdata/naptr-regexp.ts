/** NAPTR regexp fields checked as BIND checks them. Pure. */
import { isDigitCode } from './kit.js';
// ---------------------------------------------------------------------------------------------
// NAPTR regexp (RFC 3403 §4.1), checked as BIND checks it

export const CHARACTER_CLASSES = new Set([
  ':alnum:',
  ':digit:',
  ':punct:',
  ':alpha:',
  ':graph:',
  ':space:',
  ':blank:',
  ':lower:',
  ':upper:',
  ':cntrl:',
  ':print:',
  ':xdigit:',
]);

export const ch = (char: string): number => char.charCodeAt(0);

/**
 * Reads a bracket expression starting just after `[`; returns the index after its `]`, or
 * `undefined` when it is malformed (unterminated, reversed range, unknown `[:class:]`, …).
 */
export function bracketEnd(re: readonly number[], from: number): number | undefined {
  let i = from;
  let negated = false;
  let seenChar = false;
  let range = 0; // 2 right after a '-', 1 after the range's end, 0 otherwise
  let rangeStart = 0;
  const ordinary = (code: number) => {
    seenChar = true;
    if (range === 2 && code < rangeStart) return false;
    if (range > 0) range--;
    rangeStart = code;
    i++;
    return true;
  };
  for (;;) {
    const code = re[i];
    if (code === undefined) return undefined;
    if (code === ch('^') && !seenChar && !negated) {
      negated = true;
      i++;
    } else if (code === ch('-') && seenChar && range !== 2) {
      if (range === 1) return undefined;
      range = 2;
      i++;
    } else if (code === ch('[')) {
      i++;
      const kind = re[i];
      if (kind === ch('.')) {
        // collating element [.x.]
        if (range > 0) range--;
        i++;
        let seen = false;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          if (c === ch('.')) {
            i++;
            if (re[i] === ch(']')) {
              if (!seen) return undefined;
              i++;
              break;
            }
            rangeStart = seen ? 256 : ch('.');
            seen = true;
          } else {
            rangeStart = seen ? 256 : c;
            seen = true;
            i++;
          }
        }
      } else if (kind === ch('=')) {
        // equivalence class [=x=]
        if (range === 2) return undefined;
        i++;
        let seen = false;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          if (c === ch('=')) {
            i++;
            if (re[i] === ch(']')) {
              if (!seen) return undefined;
              i++;
              break;
            }
          } else {
            i++;
          }
          seen = true;
        }
      } else if (kind === ch(':')) {
        // character class [:name:]
        if (range === 2) return undefined;
        const nameStart = i;
        i++;
        for (;;) {
          const c = re[i];
          if (c === undefined) return undefined;
          i++;
          if (c === ch(':') && re[i] === ch(']')) {
            const className = String.fromCharCode(...re.slice(nameStart, i));
            if (!CHARACTER_CLASSES.has(className)) return undefined;
            i++;
            break;
          }
        }
      }
      seenChar = true;
    } else if (code === ch(']') && seenChar) {
      return i + 1;
    } else {
      if (code === ch(']') && i === re.length - 1) return undefined;
      if (!ordinary(code)) return undefined;
    }
  }
}

/**
 * Checks a POSIX extended regular expression the way BIND 9.18 does (C locale) and returns the
 * number of groups `( )`, or `undefined` when BIND would refuse it.
 */
export function ereGroupCount(re: readonly number[]): number | undefined {
  if (re.length === 0) return undefined;
  let open = 0;
  let groups = 0;
  let atom = false; // something a quantifier could apply to precedes
  let quantified = false; // the previous item was a quantifier or an anchor
  let emptyAlternativeOk = false;
  let i = 0;
  while (i < re.length) {
    const code = re[i]!;
    switch (code) {
      case ch('\\'): {
        const next = re[i + 1];
        if (next === undefined) return undefined;
        if (next >= ch('1') && next <= ch('9') && next - ch('0') > groups) return undefined;
        atom = true;
        quantified = false;
        i += 2;
        break;
      }
      case ch('['): {
        const end = bracketEnd(re, i + 1);
        if (end === undefined) return undefined;
        atom = true;
        quantified = false;
        i = end;
        break;
      }
      case ch('('):
        open++;
        groups++;
        atom = false;
        quantified = false;
        emptyAlternativeOk = true;
        i++;
        break;
      case ch(')'):
        if (open > 0 && !atom && !emptyAlternativeOk) return undefined;
        if (open > 0) open--;
        atom = true;
        quantified = false;
        i++;
        break;
      case ch('|'):
        if (!atom) return undefined;
        atom = false;
        quantified = false;
        emptyAlternativeOk = false;
        i++;
        break;
      case ch('^'):
      case ch('$'):
        atom = true;
        quantified = true;
        i++;
        break;
      case ch('*'):
      case ch('+'):
      case ch('?'):
        if (quantified || !atom) return undefined;
        quantified = true;
        i++;
        break;
      default:
        if (code === ch('{') && isDigitCode(re[i + 1])) {
          // bound {m}, {m,}, {m,n}
          if (!atom || quantified) return undefined;
          i++;
          let low = 0;
          let high = 0;
          let comma = false;
          let highSeen = false;
          for (;;) {
            const c = re[i];
            if (c === undefined) return undefined;
            i++;
            if (isDigitCode(c)) {
              if (comma) {
                highSeen = true;
                high = high * 10 + c - ch('0');
                if (high > 255) return undefined;
              } else {
                low = low * 10 + c - ch('0');
                if (low > 255) return undefined;
              }
            } else if (c === ch(',') && !comma) {
              comma = true;
            } else if (c === ch('}')) {
              if (highSeen && low > high) return undefined;
              break;
            } else {
              return undefined;
            }
          }
          quantified = true;
          break;
        }
        atom = true;
        quantified = false;
        i++;
    }
  }
  if (open !== 0 || !atom) return undefined;
  return groups;
}

/** Why BIND would refuse this NAPTR regexp field, or `undefined` if it is acceptable. */
export function naptrRegexpProblem(field: Uint8Array): string | undefined {
  if (field.length === 0) return undefined;
  const delimiter = field[0]!;
  if (
    isDigitCode(delimiter) ||
    delimiter === ch('\\') ||
    delimiter === ch('i') ||
    delimiter === 0
  ) {
    return 'the delimiter must not be a digit, a backslash, "i" or NUL';
  }
  const ere: number[] = [];
  let part: 'ere' | 'replacement' | 'flags' = 'ere';
  let highestReference = 0;
  for (let i = 1; i < field.length; i++) {
    const code = field[i]!;
    if (code === 0) return 'it contains a NUL byte';
    if (code === delimiter) {
      if (part === 'flags') return 'it has more than three delimiters';
      part = part === 'ere' ? 'replacement' : 'flags';
      continue;
    }
    if (part === 'flags') {
      if (code !== ch('i')) return 'the only flag allowed after the last delimiter is "i"';
      continue;
    }
    if (part === 'ere') ere.push(code);
    if (code === ch('\\')) {
      const next = field[i + 1];
      if (next === undefined) return 'it ends with a lone backslash';
      if (next === 0) return 'it contains a NUL byte';
      i++;
      if (part === 'ere') ere.push(next);
      else if (next === ch('0')) return 'the replacement refers to \\0';
      else if (isDigitCode(next)) highestReference = Math.max(highestReference, next - ch('0'));
    }
  }
  if (part !== 'flags') return 'it needs three delimiters: <d>regexp<d>replacement<d>[i]';
  const groups = ereGroupCount(ere);
  if (groups === undefined) return 'the regular expression is not a valid POSIX extended regexp';
  if (highestReference > groups) {
    return `the replacement refers to \\${highestReference} but the regexp has ${groups} group(s)`;
  }
  return undefined;
}
