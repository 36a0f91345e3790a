/**
 * Small helpers shared by the configuration readers: building {@link ConfigError} values that
 * name file and line, and quoting configuration text in messages without leaking secrets.
 */
import { ConfigError, type ConfigErrorKind, type SourceLocation } from '../errors.js';

/** Optional extras of an error: likely causes, remedy, underlying error. */
export interface ProblemExtras {
  readonly causes?: readonly string[];
  readonly remedy?: string;
  readonly cause?: unknown;
}

/** `file:line` of a location. */
export function where(location: SourceLocation): string {
  return `${location.file}:${location.line}`;
}

/**
 * A {@link ConfigError} whose message starts with `file:line: ` when a location is known,
 * the way BIND's own tools report configuration problems.
 */
export function configError(
  kind: ConfigErrorKind,
  location: SourceLocation | undefined,
  text: string,
  extras: ProblemExtras = {},
): ConfigError {
  return new ConfigError({
    kind,
    message: location ? `${where(location)}: ${text}` : text,
    ...(location ? { location } : {}),
    ...(extras.causes ? { causes: extras.causes } : {}),
    ...(extras.remedy ? { remedy: extras.remedy } : {}),
    ...(extras.cause !== undefined ? { cause: extras.cause } : {}),
  });
}

/** Lower-cases ASCII letters only, as C's `strcasecmp` compares (BIND's name comparisons). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (upper) => upper.toLowerCase());
}

/** True when two names are equal ignoring ASCII case. */
export function sameName(a: string, b: string): boolean {
  return asciiLower(a) === asciiLower(b);
}

/**
 * Quotes configuration text for a message, but only when it cannot be key material.
 *
 * Clause names, host names and key names look like `default-key`, `ns1.example`, `rndc-key`;
 * a base64 secret never contains `-`, `.` or `_`, so a short word with one of those (or a very
 * short word) is safe to show. Anything else is described without its value.
 */
export function echo(text: string): string {
  const looksSafe =
    /^[A-Za-z0-9*:-][A-Za-z0-9._:*-]{0,39}$/.test(text) &&
    (/[-._:*]/.test(text) || text.length <= 12);
  return looksSafe ? `'${text}'` : 'a value (not shown)';
}

/** Quotes a name (key, server, file) for a message, escaping control characters. */
export function quoteName(text: string): string {
  const shown = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return JSON.stringify(shown);
}
