/**
 * Error values shared by every part of the library.
 *
 * Every error is an `Error` subclass carrying a `kind` discriminant, so callers can `switch`
 * on `err.kind` (the union of kinds is typed per class) and still get a stack and a readable
 * `message`. Each error says what happened and where (`message`), the likely causes and the
 * remedy. None of them ever holds key material or a MAC.
 */

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
  readonly kind: K;
  readonly causes: readonly string[];
  readonly remedy: string;

  constructor(details: ErrorDetails<K>) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.kind = details.kind;
    this.causes = details.causes ?? [];
    this.remedy = details.remedy ?? '';
  }

  /** The message followed by causes and remedy, for printing to a person. */
  describe(): string {
    const lines = [this.message];
    if (this.causes.length > 0) {
      lines.push('Likely causes:');
      for (const cause of this.causes) lines.push(`  - ${cause}`);
    }
    if (this.remedy) lines.push(`Remedy: ${this.remedy}`);
    return lines.join('\n');
  }
}

/** Where in a configuration file something was found: for error messages. */
export interface SourceLocation {
  readonly file: string;
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
  readonly location: SourceLocation | undefined;

  constructor(details: ErrorDetails<ConfigErrorKind> & { location?: SourceLocation }) {
    super(details);
    this.location = details.location;
  }
}
