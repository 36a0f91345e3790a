/**
 * The progress line of a long wait: `rndc-js: waiting for named to write ZONE … 3.2 s of 10 s`,
 * redrawn in place on stderr while the wait lasts and erased when it ends. Only on a terminal
 * (stderr a TTY) and never with --json: a pipe or a log file gets no carriage returns.
 */
import { type CliIo, PROGRAM } from './io.js';

/** How often the line is redrawn. */
const REDRAW_MS = 100;
/** Longest `what` shown: a hostile zone argument cannot make the line wrap the terminal. */
const MAX_WHAT = 200;

/** `ms` as seconds for the line: one decimal below a minute (none when whole), whole above. */
function seconds(ms: number, whole = false): string {
  const s = Math.max(0, ms) / 1000;
  if (s >= 60 || (whole && Number.isInteger(s))) return `${Math.round(s)} s`;
  return `${s.toFixed(1)} s`;
}

/**
 * The text of the line (without the carriage return and erase): what is awaited, the time spent
 * and, when known, the deadline. Control characters in `what` (an escape sequence in a zone name
 * given on the command line) are shown as `\xNN`, never sent to the terminal.
 */
export function progressText(what: string, elapsedMs: number, deadlineMs?: number): string {
  const cut = what.length > MAX_WHAT ? `${what.slice(0, MAX_WHAT)}…` : what;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
  const shown = cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  const of =
    deadlineMs !== undefined && Number.isFinite(deadlineMs)
      ? ` of ${seconds(deadlineMs, true)}`
      : '';
  return `${PROGRAM}: ${shown} … ${seconds(elapsedMs)}${of}`;
}

/**
 * Starts the line for a wait of at most `deadlineMs`; returns the function that erases it.
 * Nothing is drawn unless stderr is a terminal and `json` is false. `what` may be a function,
 * asked at each redraw (a count that grows while the wait lasts).
 */
export function startProgress(
  io: CliIo,
  what: string | (() => string),
  options: { readonly deadlineMs?: number; readonly json?: boolean } = {},
): () => void {
  if (!io.stderr.isTTY || options.json === true) return () => {};
  const started = Date.now();
  const draw = () => {
    const text = typeof what === 'string' ? what : what();
    io.stderr.write(`\r\x1b[K${progressText(text, Date.now() - started, options.deadlineMs)}`);
  };
  draw();
  const timer = setInterval(draw, REDRAW_MS);
  // The line never keeps the process alive on its own.
  timer.unref();
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    io.stderr.write('\r\x1b[K');
  };
}
