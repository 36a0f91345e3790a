/**
 * Error values shared by every part of the library.
 *
 * Every error is an `Error` subclass carrying a `kind` discriminant, so callers can `switch`
 * on `err.kind` (the union of kinds is typed per class) and still get a stack and a readable
 * `message`. Each error says what happened and where (`message`), the likely causes and the
 * remedy. None of them ever holds key material or a MAC.
 */

import { type InspectOptionsStylized, inspect } from 'node:util';

/** Fields every error of this library carries besides `message`. */
export interface ErrorDetails<K extends string> {
  /** Machine-readable discriminant. */
  readonly kind: K;
  /** What went wrong and where, in one or two sentences. */
  readonly message: string;
  /** The likely causes, most likely first. Empty when the message says it all. */
  readonly causes?: readonly string[];
  /** What to do about it. */
  readonly remedy?: string;
  /** The underlying error (a Node `SystemError`, …), if any. */
  readonly cause?: unknown;
}

/** Base class of every error value this library returns. */
export class RndcLibraryError<K extends string = string> extends Error {
  /** Machine-readable discriminant: switch on it. */
  readonly kind: K;
  /** The likely causes, most likely first; empty when the message says it all. */
  readonly causes: readonly string[];
  /** What to do about it; `''` when there is no general advice. */
  readonly remedy: string;

  constructor(details: ErrorDetails<K>) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.kind = details.kind;
    this.causes = details.causes ?? [];
    this.remedy = details.remedy ?? '';
  }

  /**
   * What `JSON.stringify` writes: `name`, `kind`, `message`, `causes`, `remedy`, the error's own
   * fields that are set (server, command, zone…) and the underlying `cause` as
   * `{ name, message, code }` (or its own JSON for an error of this library). `Error`'s
   * `message` is not an own enumerable property, so without this it would be left out. The
   * stack is left out; nothing here holds key material.
   */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: this.name,
      kind: this.kind,
      message: this.message,
      causes: this.causes,
      remedy: this.remedy,
    };
    for (const [name, value] of Object.entries(this)) {
      if (value !== undefined && !INSPECT_SKIPPED.has(name)) json[name] = value;
    }
    const cause = (this as { cause?: unknown }).cause;
    if (cause !== undefined) json.cause = causeJson(cause);
    return json;
  }

  /** The message followed by causes and remedy, for printing to a person. */
  describe(): string {
    return [this.message, ...adviceLines(this)].join('\n');
  }

  /**
   * What `util.inspect`, `console.log` and the REPL show: `RndcError [timeout]: message`, then
   * the likely causes, the remedy, the error's own fields that are set (server, command, zone…),
   * and the underlying cause in one line. The stack is left out (it is in `error.stack`). Nothing
   * here holds key material, so nothing secret can be printed.
   */
  [inspect.custom](depth: number, options: InspectOptionsStylized): string {
    const head = `${this.name} [${this.kind}]`;
    if (depth < 0) return options.stylize(`[${head}]`, 'special');
    const lines = [`${head}: ${this.message}`, ...adviceLines(this).map((line) => `  ${line}`)];
    const nested = { ...options, depth: options.depth === null ? null : depth - 1 };
    for (const [name, value] of Object.entries(this)) {
      if (value === undefined || INSPECT_SKIPPED.has(name)) continue;
      lines.push(indent(`${name}: ${inspect(value, nested)}`));
    }
    const cause = (this as { cause?: unknown }).cause;
    if (cause !== undefined) lines.push(`  [cause]: ${describeCause(cause, depth, options)}`);
    return lines.join('\n');
  }
}

/** `Likely causes:` with one `  - cause` line each, then `Remedy: …`; the lines that are set. */
function adviceLines(error: RndcLibraryError): string[] {
  const lines: string[] = [];
  if (error.causes.length > 0) {
    lines.push('Likely causes:');
    for (const cause of error.causes) lines.push(`  - ${cause}`);
  }
  if (error.remedy) lines.push(`Remedy: ${error.remedy}`);
  return lines;
}

/** Own fields that {@link RndcLibraryError}'s inspect output shows in its own way, or not at all. */
const INSPECT_SKIPPED = new Set(['name', 'message', 'kind', 'causes', 'remedy', 'stack', 'cause']);

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}

/** The cause of an error in one line: `Error: connect ECONNREFUSED 127.0.0.1:953 (ECONNREFUSED)`. */
function describeCause(cause: unknown, depth: number, options: InspectOptionsStylized): string {
  if (cause instanceof RndcLibraryError) {
    return indent(inspect(cause, { ...options, depth: depth - 1 })).trimStart();
  }
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${cause.name}: ${cause.message}${typeof code === 'string' && !cause.message.includes(code) ? ` (${code})` : ''}`;
  }
  return inspect(cause, { ...options, depth: Math.min(depth, 1) });
}

/** The JSON form of an underlying error: its own for ours, else name, message and code. */
function causeJson(cause: unknown): unknown {
  if (cause instanceof RndcLibraryError) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  return typeof cause === 'object' || typeof cause === 'function' ? String(cause) : cause;
}

/** Where in a configuration file something was found: for error messages. */
export interface SourceLocation {
  /** Path of the file, as it was opened. */
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/** Errors from reading keys and rndc/named configuration files. */
export type ConfigErrorKind =
  | 'file-unreadable'
  | 'syntax'
  | 'include-loop'
  | 'missing-key'
  | 'invalid-key'
  | 'unsupported-algorithm'
  | 'no-server'
  | 'no-config';

/** A problem with a key or configuration file. `location` names the file and line. */
export class ConfigError extends RndcLibraryError<ConfigErrorKind> {
  /** The file and line of the problem, when it is in a file. */
  readonly location: SourceLocation | undefined;

  constructor(details: ErrorDetails<ConfigErrorKind> & { location?: SourceLocation }) {
    super(details);
    this.location = details.location;
  }
}
