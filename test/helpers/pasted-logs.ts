// named's log lines as operators paste them from k9s, kubectl and stern (issue 11, item 7).

/** The seed's three lines, as named 9.18.17+ (non-GCC build) writes them with print-time yes. */
export const SEED = [
  '11-Jul-2025 08:21:55.352 errno2result.c:123:isc___errno2result(): unexpected error:',
  '11-Jul-2025 08:21:55.352 file.c',
  '11-Jul-2025 08:21:55.352 dumping master file: rename: dyn/dyn.example.com.zone: unexpected error',
];

export const ESC = '\u001b';
const WIDTH = 140;

/** The paste forms: each wraps one line as the tool shows it. */
export const PASTE_FORMS: Record<string, (line: string, i: number) => string> = {
  // k9s: `│ named <line>   …   │`, the last line with the view's double bar; CRLF from the clipboard.
  k9s: (line, i) =>
    `│ named ${line}${' '.repeat(Math.max(1, WIDTH - line.length))}│${i === 2 ? '│' : ''}\r`,
  'k9s without the container column': (line) => `│ ${line}${' '.repeat(60)}│`,
  'kubectl logs --prefix': (line) => `[pod/bind-0/named] ${line}`,
  'kubectl logs --prefix --timestamps': (line) =>
    `[pod/bind-0/named] 2025-07-11T08:21:55.352954127Z ${line}`,
  stern: (line) => `bind-0 named ${line}`,
  'stern in colour': (line) => `${ESC}[32mbind-0${ESC}[0m ${ESC}[1;33mnamed${ESC}[0m ${line}`,
  'stern --timestamps': (line) => `bind-0 named 2025-07-11T08:21:55.352954127Z ${line}`,
  'named container prefix': (line) => `named ${line}`,
  'CRLF and non-breaking spaces': (line) => `${line.replace(' ', '\u00a0')}\r`,
};
