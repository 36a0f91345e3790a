/**
 * The library's debug output (namespaces `rndc:control`, `rndc:update`, `rndc:dump`,
 * `rndc:fleet`), through the `debug` package — loaded only once output may be wanted: when
 * `DEBUG` is set, or when something else already loaded `debug` (and may call `debug.enable()`).
 * Loading it costs a few milliseconds of every process's startup (five CommonJS files), which
 * `rndc-js status` would pay for nothing.
 */
import { createRequire } from 'node:module';

/** A `debug` logger: printf-style format and arguments. */
export type Logger = (format: string, ...args: unknown[]) => void;

type CreateDebug = ((namespace: string) => Logger & { enabled: boolean }) & {
  readonly names?: unknown;
};

let createDebug: CreateDebug | undefined;
let requireHere: NodeJS.Require | undefined;
let cachePath: string | null | undefined;
let onlyDebugVariable = false;

/**
 * For a program that is the whole process (the `rndc-js` executable): no other code can have
 * loaded `debug`, so `DEBUG` alone decides. Skips finding out whether `debug` is loaded, a
 * CommonJS resolution (`require.resolve`: stats, a package.json, a realpath) that cost about a
 * millisecond of every `rndc-js` run. (`debug.enable()` stores its namespaces in `DEBUG`, so it
 * still counts.) Internal: an application using the library may load `debug` and configure it in
 * other ways.
 */
export function debugOnlyFromEnvironment(): void {
  onlyDebugVariable = true;
}

/** `debug`'s factory when output may be wanted; undefined otherwise (nothing loaded). */
function loaded(): CreateDebug | undefined {
  if (createDebug) return createDebug;
  if (onlyDebugVariable && !process.env.DEBUG) return undefined;
  requireHere ??= createRequire(import.meta.url);
  const require = requireHere;
  if (cachePath === undefined) {
    try {
      cachePath = require.resolve('debug');
    } catch {
      cachePath = null;
    }
  }
  const elsewhere = cachePath !== null && require.cache[cachePath] !== undefined;
  if (!elsewhere && !process.env.DEBUG) return undefined;
  createDebug = require('debug') as CreateDebug;
  return createDebug;
}

/** A logger for `namespace`: `debug(namespace)`, created the first time output may be wanted. */
export function logger(namespace: string): Logger {
  let instance: (Logger & { enabled: boolean }) | undefined;
  return (format, ...args) => {
    if (instance === undefined) {
      const factory = loaded();
      if (factory === undefined) return;
      instance = factory(namespace);
    }
    if (instance.enabled) instance(format, ...args);
  };
}
