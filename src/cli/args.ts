/**
 * getopt-style argument parsing for `rndc-js`: short options that may be clustered (`-qr`) and
 * take values attached or separate (`-p953`, `-p 953`), long options (`--json`, `--wait=5`,
 * `--wait 5`), `--` to end the options. Parsing stops at the first operand when asked to (rndc's
 * global options end at the command word). Errors are values: a message for the user.
 */
import { resolve } from 'node:path';
import type { ResolveRndcTargetOptions } from '../keys/resolve.js';
import { Err, Ok, type Result } from '../result.js';

/** One option a parser knows. */
export interface OptionSpec {
  /** Short letter, without the dash (`p`). */
  readonly short?: string;
  /** Long name, without the dashes (`json`). */
  readonly long?: string;
  /** True when it takes a value. */
  readonly value?: boolean;
  /** The key in the result (defaults to the long name, then the short letter). */
  readonly key?: string;
}

/** What was parsed. Flags are `true`; options with a value hold the last value given. */
export interface ParsedArgs {
  readonly options: Readonly<Record<string, string | true>>;
  /** Every value given to each option that takes one, in order (`-s a -s b`: `['a', 'b']`). */
  readonly values: Readonly<Record<string, readonly string[]>>;
  /** Operands (non-option words), in order. */
  readonly operands: readonly string[];
  /** True when `--` was seen (everything after it is an operand). */
  readonly sawDoubleDash: boolean;
}

/** How to parse. */
export interface ParseOptions {
  /** Stop at the first operand: it and everything after it are operands (POSIX getopt). */
  readonly stopAtOperand?: boolean;
}

const keyOf = (spec: OptionSpec): string => spec.key ?? spec.long ?? spec.short ?? '';

/** Parses `argv` against `specs`; an unknown option or a missing value is an error message. */
export function parseArgs(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  parse: ParseOptions = {},
): Result<ParsedArgs, string> {
  const options: Record<string, string | true> = {};
  const values: Record<string, string[]> = {};
  const setValue = (key: string, value: string) => {
    options[key] = value;
    values[key] ??= [];
    values[key].push(value);
  };
  const operands: string[] = [];
  let sawDoubleDash = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      sawDoubleDash = true;
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = specs.find((candidate) => candidate.long === name);
      if (!spec) return Err(`unknown option '--${name}'`);
      if (!spec.value) {
        if (eq !== -1) return Err(`option '--${name}' takes no value`);
        options[keyOf(spec)] = true;
        continue;
      }
      if (eq !== -1) {
        setValue(keyOf(spec), arg.slice(eq + 1));
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined) return Err(`option '--${name}' needs a value`);
      setValue(keyOf(spec), next);
      i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        const spec = specs.find((candidate) => candidate.short === letter);
        if (!spec) return Err(`unknown option '-${letter}'`);
        if (!spec.value) {
          options[keyOf(spec)] = true;
          continue;
        }
        const attached = arg.slice(j + 1);
        if (attached !== '') {
          setValue(keyOf(spec), attached);
        } else {
          const next = argv[i + 1];
          if (next === undefined) return Err(`option '-${letter}' needs a value`);
          setValue(keyOf(spec), next);
          i++;
        }
        break;
      }
      continue;
    }
    if (parse.stopAtOperand) {
      operands.push(...argv.slice(i));
      break;
    }
    operands.push(arg);
  }
  return Ok({ options, values, operands, sawDoubleDash });
}

/** The global options, as rndc has them (`46b:c:hk:Mmp:qrs:t:Vy:`) plus `--json`, `--help`, `--version`. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { short: 'b', value: true, key: 'sourceAddress' },
  { short: 'c', value: true, key: 'configFile' },
  { short: 'k', value: true, key: 'keyFile' },
  { short: 's', value: true, key: 'server' },
  { short: 'p', value: true, key: 'port' },
  { short: 'y', value: true, key: 'keyName' },
  { short: 't', value: true, key: 'timeout' },
  { short: 'q', key: 'quiet' },
  { short: 'r', key: 'showResult' },
  { short: 'V', key: 'verbose' },
  // rndc's memory-debugging flags: accepted and ignored, so rndc command lines keep working.
  { short: 'M', key: 'ignoredM' },
  { short: 'm', key: 'ignoredm' },
  // rndc's -4/-6: only IPv4 (IPv6) addresses of the server are used.
  { short: '4', key: 'ipv4' },
  { short: '6', key: 'ipv6' },
  { short: 'h', key: 'shortHelp' },
  { long: 'help', key: 'help' },
  { long: 'version', key: 'version' },
  { long: 'json', key: 'json' },
  // Fleet mode (fleet-command.ts): several -s, or a fleet file.
  { long: 'fleet', value: true, key: 'fleet' },
  { long: 'concurrency', value: true, key: 'concurrency' },
  // Batch mode (batch-command.ts): commands read from a file (`-` as the command: stdin).
  { long: 'batch', value: true, key: 'batch' },
];

/** The settings the global options give every command. */
export interface GlobalSettings
  extends Pick<
    ResolveRndcTargetOptions,
    'configFile' | 'keyFile' | 'server' | 'port' | 'keyName' | 'sourceAddress'
  > {
  /** `-t`, in milliseconds. */
  readonly timeoutMs: number;
  readonly quiet: boolean;
  readonly showResult: boolean;
  readonly verbose: boolean;
  readonly json: boolean;
  /** `-4` or `-6`: the only address family used to reach the server. */
  readonly family?: 4 | 6;
}

/** Default `-t`, as rndc: 60 s. */
export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The value of an option that takes one, when it was given. */
/**
 * Takes every `--NAME VALUE` / `--NAME=VALUE` out of `args` (an option the general parser keeps
 * only once, given several times), up to a `--`: the values in order and the other words, or
 * the message for a `--NAME` without a value.
 */
export function takeRepeated(
  args: readonly string[],
  name: string,
): { readonly values: string[]; readonly rest: string[] } | { readonly error: string } {
  const values: string[] = [];
  const rest: string[] = [];
  const flag = `--${name}`;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === flag) {
      const value = args[i + 1];
      if (value === undefined) return { error: `option '${flag}' needs a value` };
      values.push(value);
      i++;
    } else if (arg.startsWith(`${flag}=`)) values.push(arg.slice(flag.length + 1));
    else rest.push(arg);
  }
  return { values, rest };
}

export function optionText(
  options: Readonly<Record<string, string | true>>,
  key: string,
): string | undefined {
  const value = options[key];
  return typeof value === 'string' ? value : undefined;
}

/** A number written in decimal digits only, from `min` to `max`; undefined when it is not one. */
export function parseWholeNumber(text: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

/** Turns parsed global options into settings; a bad number is an error message. */
export function globalSettings(
  options: Readonly<Record<string, string | true>>,
): Result<GlobalSettings, string> {
  const text = (key: string) => optionText(options, key);
  const portText = text('port');
  const port = portText === undefined ? undefined : parseWholeNumber(portText, 1, 65535);
  if (portText !== undefined && port === undefined) return Err(`port '${portText}' out of range`);
  const timeoutText = text('timeout');
  const timeoutSeconds =
    timeoutText === undefined ? DEFAULT_TIMEOUT_SECONDS : parseWholeNumber(timeoutText, 1, 86_400);
  if (timeoutSeconds === undefined) {
    return Err(`timeout '${timeoutText}' must be a whole number of seconds (1-86400)`);
  }
  if (options.ipv4 === true && options.ipv6 === true) return Err('only one of -4 and -6 allowed');
  const family = options.ipv4 === true ? 4 : options.ipv6 === true ? 6 : undefined;
  const optional = <K extends string>(key: K, value: string | undefined) =>
    value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  return Ok({
    ...optional('configFile', text('configFile')),
    ...optional('keyFile', text('keyFile')),
    ...optional('server', text('server')),
    ...optional('keyName', text('keyName')),
    ...optional('sourceAddress', text('sourceAddress')),
    ...(port === undefined ? {} : { port }),
    timeoutMs: timeoutSeconds * 1000,
    quiet: options.quiet === true,
    showResult: options.showResult === true,
    verbose: options.verbose === true,
    json: options.json === true,
    ...(family === undefined ? {} : { family }),
  });
}

/** Parses a positive number of seconds (`--wait 2.5`); undefined when it is not one. */
export function parseSeconds(text: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(text)) return undefined;
  const seconds = Number(text);
  return seconds > 0 && seconds <= 86_400 ? seconds : undefined;
}

/** Parses a pid; undefined when it is not a positive integer. */
export function parsePid(text: string): number | undefined {
  return parseWholeNumber(text, 1, 4_194_304);
}

/**
 * `--named-binary PATH`: named's executable, absolute (relative to the working directory as
 * given on the command line). Whether it can be trusted is the identity check's business.
 */
export function namedBinaryOption(
  text: string | undefined,
  io: { cwd: string },
): string | undefined {
  return text === undefined ? undefined : resolve(io.cwd, text);
}

/** `--named-pid PID` of `options`: the pid, nothing when not given, or the usage message. */
export function namedPidOption(
  options: Readonly<Record<string, string | true>>,
): Result<number | undefined, string> {
  const text = optionText(options, 'namedPid');
  if (text === undefined) return Ok(undefined);
  const pid = parsePid(text);
  return pid === undefined ? Err(`--named-pid '${text}' is not a process id`) : Ok(pid);
}
