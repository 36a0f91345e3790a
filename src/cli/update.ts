/**
 * `rndc-js update`: nsupdate's command line and script language over this library's verified
 * update client. Same flags (as far as they make sense without GSS-TSIG and resolv.conf), the
 * same output on stdout and stderr, the same exit status (0 success, 1 usage/syntax/key errors,
 * 2 a failed update), plus `--json`. Deliberate differences are in docs/cli-update.md.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { format } from 'node:util';
import createDebug from 'debug';
import { type Key, parseKeyString } from '../keys/index.js';
import { loadNsupdateKey } from '../keys/nsupdate-key.js';
import { Err, Ok, type Result } from '../result.js';
import type { UpdateResponse } from '../update/client.js';
import type { UpdateError } from '../update/errors.js';
import { RCODES } from '../update/message.js';
import {
  type NsupdateSend,
  runNsupdateInteractive,
  runNsupdateScript,
} from '../update/nsupdate.js';
import {
  NSUPDATE_VERSIONS,
  type NsupdateBindVersion,
  type NsupdateSyntaxError,
} from '../update/nsupdate-parse.js';
import { type OptionSpec, optionText, parseArgs, parseWholeNumber } from './args.js';
import { type CliCommand, type CliIo, PROGRAM } from './io.js';
import {
  formatError,
  isoOrNull,
  type JsonError,
  jsonError,
  type PrintableError,
  writeJson,
} from './output.js';
import { packageVersion } from './run.js';
import { usageError } from './usage.js';

/** The session key `nsupdate -l` reads (Debian's BIND 9.18 build; `-k` overrides it). */
export const SESSION_KEY_FILE = '/run/named/session.key';

export const UPDATE_USAGE = `Usage: ${PROGRAM} update [-dDv] [-l] [-y [hmac:]keyname:secret | -k keyfile]
                      [-p port] [-t timeout] [-u udptimeout] [-r udpretries] [-V] [--json]
                      [filename | -]

Reads an nsupdate script from filename (or standard input) and runs it as nsupdate 9.18 would,
over a client that checks every reply's TSIG. The whole script is checked before anything is
sent. Exit status: 0 every update succeeded, 1 usage, key or script syntax error (nothing sent),
2 an update failed (server or transport).

  -k keyfile   TSIG key: a tsig-keygen/ddns-confgen key file or a K{name}.+{alg}+{id} pair
  -y [hmac:]keyname:secret
               TSIG key on the command line (hmac defaults to hmac-md5, as in nsupdate;
               visible to other users in the process list: prefer -k)
  -l           local mode: server 127.0.0.1, key ${SESSION_KEY_FILE} (or -k)
  -p port      default port of 'server' (53)
  -t timeout   seconds an update may take in all (300; 0 = no limit)
  -u udptimeout  seconds between UDP retries (3; 0 = timeout / (udpretries + 1))
  -r udpretries  UDP retries (3)
  -v           always TCP
  -d, -D       debug output on stderr (never key material)
  -V           version
  --json       one JSON document on stdout instead of nsupdate's text (see docs/cli-update.md)
  --bind-version 9.16|9.18|9.20
               follow that version's nsupdate where they differ (default 9.18)
`;

/** Printed for `-y`: the secret is on the command line. */
export const Y_WARNING =
  '-y puts the secret in the process list (ps, /proc/PID/cmdline), readable by every user of this machine: use -k keyfile';

const UPDATE_OPTIONS: readonly OptionSpec[] = [
  { short: 'k', value: true, key: 'keyFile' },
  { short: 'y', value: true, key: 'keyString' },
  { short: 'l', key: 'local' },
  { short: 'p', value: true, key: 'port' },
  { short: 't', value: true, key: 'timeout' },
  { short: 'u', value: true, key: 'udpTimeout' },
  { short: 'r', value: true, key: 'udpRetries' },
  { short: 'v', key: 'tcp' },
  { short: 'd', key: 'debug' },
  { short: 'D', key: 'extraDebug' },
  { short: 'V', key: 'version' },
  { short: 'L', value: true, key: 'logLevel' },
  { short: '4', key: 'ipv4' },
  { short: '6', key: 'ipv6' },
  { short: 'h', long: 'help', key: 'help' },
  { long: 'json', key: 'json' },
  { long: 'bind-version', value: true, key: 'bindVersion' },
  // Recognised only to refuse them clearly.
  { short: 'g', key: 'gss' },
  { short: 'o', key: 'oldGss' },
  { short: 'i', key: 'interactive' },
  { short: 'C', value: true, key: 'resolvConf' },
  { short: 'P', key: 'listPrivate' },
  { short: 'T', key: 'listTypes' },
];

/** What the command line asked for. */
export interface UpdateArgs {
  readonly keyFile: string | undefined;
  /** `-y` text: holds the secret; never printed. */
  readonly keyString: string | undefined;
  readonly local: boolean;
  readonly port: number | undefined;
  /** `-t`, seconds; 0 = no limit. */
  readonly timeoutSeconds: number;
  /** `-u`, seconds; 0 = computed from `-t` and `-r`. */
  readonly udpTimeoutSeconds: number;
  /** `-r`. */
  readonly udpRetries: number;
  readonly tcp: boolean;
  /** 0 none, 1 `-d`, 2 `-D`. */
  readonly debug: 0 | 1 | 2;
  readonly json: boolean;
  readonly version: boolean;
  readonly help: boolean;
  /** The script file; `undefined` or `-` for standard input. */
  readonly file: string | undefined;
  /** `--bind-version`: whose nsupdate to follow where versions differ (default 9.18). */
  readonly bindVersion?: NsupdateBindVersion;
}

/** A command line `update` cannot run. */
export interface UpdateUsageError {
  readonly kind: 'usage' | 'unsupported';
  readonly message: string;
  readonly remedy?: string;
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  gss: '-g (GSS-TSIG) is not supported: use a TSIG key with -k or -y',
  oldGss: '-o (Windows 2000 GSS-TSIG) is not supported: use a TSIG key with -k or -y',
  interactive: '-i (interactive mode) is not supported: give the script as a file or on stdin',
  resolvConf:
    '-C is not supported: rndc-js does not read resolv.conf; put a server command in the script',
  listPrivate: '-P is not supported: see nsupdate -P for the list of private types',
  listTypes: '-T is not supported: see nsupdate -T for the list of types',
};

/** Parses the arguments after `update`. Pure. */
export function parseUpdateArgs(argv: readonly string[]): Result<UpdateArgs, UpdateUsageError> {
  const parsed = parseArgs(argv, UPDATE_OPTIONS);
  if (parsed.isErr()) return Err({ kind: 'usage', message: parsed.error });
  const { options, operands } = parsed.value;
  for (const [key, message] of Object.entries(UNSUPPORTED)) {
    if (options[key] !== undefined) return Err({ kind: 'unsupported', message });
  }
  const text = (key: string) => optionText(options, key);
  const usage = (message: string): Result<UpdateArgs, UpdateUsageError> =>
    Err({ kind: 'usage', message });
  if (text('keyFile') !== undefined && text('keyString') !== undefined) {
    return usage('cannot specify both -k and -y');
  }
  if (options.local !== undefined && text('keyString') !== undefined) {
    return usage('cannot combine -l with -y: local mode uses the session key (or -k)');
  }
  if (options.ipv4 !== undefined && options.ipv6 !== undefined) {
    return usage('only one of -4 and -6 allowed');
  }
  const portText = text('port');
  const port = portText === undefined ? undefined : parseWholeNumber(portText, 1, 65535);
  if (portText !== undefined && port === undefined) return usage(`bad port number '${portText}'`);
  const seconds = (key: string, what: string, fallback: number): number | string => {
    const value = text(key);
    if (value === undefined) return fallback;
    return parseWholeNumber(value, 0, 2 ** 31 / 1000) ?? `bad ${what} '${value}'`;
  };
  const timeoutSeconds = seconds('timeout', 'timeout', 300);
  if (typeof timeoutSeconds === 'string') return usage(timeoutSeconds);
  const udpTimeoutSeconds = seconds('udpTimeout', 'udp timeout', 3);
  if (typeof udpTimeoutSeconds === 'string') return usage(udpTimeoutSeconds);
  const udpRetries = seconds('udpRetries', 'udp retries', 3);
  if (typeof udpRetries === 'string') return usage(udpRetries);
  const logLevel = text('logLevel');
  if (logLevel !== undefined && parseWholeNumber(logLevel, 0, 99) === undefined) {
    return usage(`bad log level '${logLevel}'`);
  }
  if (operands.length > 1) {
    return usage(`only one script file may be given (got ${operands.length} operands)`);
  }
  const bindVersion = text('bindVersion');
  if (bindVersion !== undefined && !Object.hasOwn(NSUPDATE_VERSIONS, bindVersion)) {
    return usage(`bad --bind-version '${bindVersion}' (9.16, 9.18 or 9.20)`);
  }
  return Ok({
    ...(bindVersion !== undefined ? { bindVersion: bindVersion as NsupdateBindVersion } : {}),
    keyFile: text('keyFile'),
    keyString: text('keyString'),
    local: options.local !== undefined,
    port,
    timeoutSeconds,
    udpTimeoutSeconds,
    udpRetries,
    tcp: options.tcp !== undefined,
    debug: options.extraDebug !== undefined ? 2 : options.debug !== undefined ? 1 : 0,
    json: options.json !== undefined,
    version: options.version !== undefined,
    help: options.help !== undefined,
    file: operands[0] === '-' ? undefined : operands[0],
  });
}

/** The library's timing options for nsupdate's `-t`, `-u`, `-r` (see nsupdate(1)). */
export function updateTiming(
  args: Pick<UpdateArgs, 'timeoutSeconds' | 'udpTimeoutSeconds' | 'udpRetries'>,
): {
  timeoutMs: number;
  retryIntervalMs: number;
  tries: number;
} {
  const tries = args.udpRetries + 1;
  // -t 0: no limit for TCP; setTimeout's ceiling (24.8 days) stands for "none".
  const timeoutMs = args.timeoutSeconds === 0 ? 2 ** 31 - 1 : args.timeoutSeconds * 1000;
  let retryIntervalMs = args.udpTimeoutSeconds * 1000;
  if (retryIntervalMs === 0) {
    retryIntervalMs =
      args.timeoutSeconds === 0 ? 1000 : Math.max(1000, Math.ceil(timeoutMs / tries / 1000) * 1000);
  }
  return { timeoutMs, retryIntervalMs, tries };
}

// ---------------------------------------------------------------------------------------------
// JSON document

/** One `send` in the JSON document. */
export type JsonSend =
  | {
      readonly line: number;
      readonly ok: true;
      readonly zone: string;
      readonly server: string;
      readonly id: number;
      readonly rcode: 'NOERROR';
      readonly transport: 'udp' | 'tcp';
      readonly signed: boolean;
      readonly ignoredReplies: readonly string[];
      readonly diskEffect: {
        readonly summary: string;
        readonly journalWritten: boolean;
        readonly zoneFileNotBefore: string | null;
        readonly zoneFileNotAfter: string | null;
        readonly journalDeleted: boolean | null;
      };
    }
  | {
      readonly line: number;
      readonly ok: false;
      readonly zone: string | null;
      readonly server: string | null;
      readonly rcode: string | null;
      readonly error: JsonError & {
        readonly tsigError: number | null;
        readonly mayHaveApplied: boolean;
      };
    };

/** A warning in the JSON document. */
export interface JsonUpdateWarning {
  /** `unsent-at-eof`, `quit-discards`, `ignored-input`, `semicolon-in-data`, `parenthesis-in-data`, `key-file`, `secret-on-command-line`. */
  readonly kind: string;
  /** Script line, or null for a key-file warning. */
  readonly line: number | null;
  readonly message: string;
}

/** The document `--json` prints. */
export interface JsonUpdateDocument {
  readonly command: 'update';
  readonly exitCode: 0 | 1 | 2;
  readonly sends: readonly JsonSend[];
  readonly warnings: readonly JsonUpdateWarning[];
  /** What nsupdate would have printed on stdout (`show`, `answer`). */
  readonly stdout: string;
  /** What nsupdate would have printed on stderr (`update failed: …`, syntax errors). */
  readonly stderr: string;
  /** Why nothing was sent: usage, key, file, script syntax; null when the script ran. */
  readonly error: (JsonError & { readonly line: number | null }) | null;
}

function jsonSend(send: NsupdateSend): JsonSend {
  if (send.result.isOk()) {
    const value: UpdateResponse = send.result.value;
    const effect = value.diskEffect;
    return {
      line: send.line,
      ok: true,
      zone: value.zone,
      server: value.server,
      id: value.id,
      rcode: 'NOERROR',
      transport: value.transport,
      signed: value.signed,
      ignoredReplies: [...value.ignoredReplies],
      diskEffect: {
        summary: effect.summary,
        journalWritten: effect.journalWritten,
        zoneFileNotBefore: isoOrNull(effect.zoneFileNotBefore),
        zoneFileNotAfter: isoOrNull(effect.zoneFileNotAfter),
        journalDeleted: effect.journalDeleted ?? null,
      },
    };
  }
  const error: UpdateError = send.result.error;
  return {
    line: send.line,
    ok: false,
    zone: error.zone ?? null,
    server: error.server ?? null,
    rcode: error.rcode === undefined ? null : (RCODES[error.rcode] ?? String(error.rcode)),
    error: {
      ...jsonError(error),
      tsigError: error.tsigError ?? null,
      mayHaveApplied: error.mayHaveApplied,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The command

/** A failure of `update` before or instead of its sends. */
export interface Failure extends PrintableError {
  readonly kind: string;
  readonly line?: number;
  /** Exact stderr text to print instead of `formatError` (nsupdate's syntax error text). */
  readonly stderr?: string;
}

function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

async function readScript(
  args: UpdateArgs,
  io: CliIo,
): Promise<Result<{ text: string; name: string }, Failure>> {
  if (args.file === undefined) return Ok({ text: await io.readStdin(), name: 'stdin' });
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, args.file));
  } catch (error) {
    const reason = fileErrorText(error);
    return Err({
      kind: 'file-unreadable',
      message: `could not open '${args.file}': ${reason}`,
      causes:
        reason === 'file not found'
          ? [`no file ${args.file} relative to ${io.cwd}`]
          : reason === 'permission denied'
            ? ['the file is not readable by this user']
            : [],
      remedy: 'give the path of an nsupdate script, or - (or nothing) to read standard input',
    });
  }
  try {
    return Ok({ text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), name: args.file });
  } catch {
    return Err({
      kind: 'file-unreadable',
      message: `${args.file} is not UTF-8 text`,
      remedy: 'convert the script to UTF-8 (record data is sent as UTF-8 bytes)',
    });
  }
}

/** The TSIG key of `-y` or `-k` (or `-l`'s session key); also used by `recover`. */
export async function loadKey(
  args: Pick<UpdateArgs, 'keyFile' | 'keyString' | 'local'>,
  io: CliIo,
  warnings: JsonUpdateWarning[],
): Promise<Result<Key | undefined, Failure>> {
  if (args.keyString !== undefined) {
    const key = parseKeyString(args.keyString);
    if (key.isErr()) {
      return Err({
        kind: 'invalid-key',
        // The string holds the secret: the library's messages never repeat it, nor do we.
        message: `-y: ${key.error.message}`,
        causes: key.error.causes,
        remedy: key.error.remedy || '-y takes [hmac:]keyname:secret with the secret in base64',
      });
    }
    return Ok(key.value);
  }
  const path = args.keyFile ?? (args.local ? SESSION_KEY_FILE : undefined);
  if (path === undefined) return Ok(undefined);
  const key = await loadNsupdateKey(resolve(io.cwd, path), {
    onWarning: (message) => warnings.push({ kind: 'key-file', line: null, message }),
  });
  if (key.isErr()) {
    const causes = [...key.error.causes];
    if (key.error.kind === 'file-unreadable' && args.local && args.keyFile === undefined) {
      causes.push("named creates the session key only when a zone has 'update-policy local'");
    }
    return Err({
      kind: key.error.kind,
      message: `could not read key from ${path}: ${key.error.message}`,
      causes,
      remedy: key.error.remedy,
    });
  }
  return Ok(key.value);
}

/** The library's refusal of a script (nothing was sent) as the CLI reports it. */
function scriptFailure(error: NsupdateSyntaxError): Failure {
  if (error.kind === 'no-server') {
    // The library's check, in the command line's words (-l instead of the server option).
    return {
      kind: error.kind,
      line: error.line,
      message: `${error.file}:${error.line}: this send has no server: ${PROGRAM} does not look up the zone's primary through resolv.conf as nsupdate does`,
      remedy: "put 'server ADDRESS [PORT]' before the first send, or use -l for 127.0.0.1",
    };
  }
  return {
    kind: error.kind,
    message: error.message,
    line: error.line,
    causes: error.causes,
    remedy: error.remedy,
    // nsupdate's own text, when it has one (a syntax error; never for `unsupported`).
    ...(error.nsupdateStderr !== undefined ? { stderr: error.nsupdateStderr } : {}),
  };
}

/** Routes the library's `debug` output (`rndc:update`, …) to `io.stderr` while `run` runs. */
async function withDebug<T>(level: 0 | 1 | 2, io: CliIo, run: () => Promise<T>): Promise<T> {
  if (level === 0) return run();
  const previous = createDebug.disable();
  const previousLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => {
    io.stderr.write(`${format(...(args as [unknown, ...unknown[]]))}\n`);
  };
  createDebug.enable(level === 2 ? 'rndc:*' : 'rndc:update');
  try {
    return await run();
  } finally {
    createDebug.log = previousLog;
    createDebug.disable();
    if (previous) createDebug.enable(previous);
  }
}

function debugSummary(send: NsupdateSend): string {
  if (send.result.isOk()) {
    const r = send.result.value;
    return `; ${PROGRAM}: line ${send.line}: update of ${r.zone} at ${r.server} over ${r.transport}: NOERROR (id ${r.id}, ${r.signed ? 'reply TSIG verified' : 'unsigned'}); ${r.diskEffect.summary}\n`;
  }
  const e = send.result.error;
  return `; ${PROGRAM}: line ${send.line}: update${e.zone ? ` of ${e.zone}` : ''}${e.server ? ` at ${e.server}` : ''} failed (${e.kind}): ${e.message}\n`;
}

/** `rndc-js update`: see {@link UPDATE_USAGE}. */
export const updateCommand: CliCommand = async (argv, io) => {
  const json = argv.includes('--json') && !argv.slice(0, argv.indexOf('--json')).includes('--');
  const warnings: JsonUpdateWarning[] = [];
  const fail = (failure: Failure, exitCode: 1 | 2 = 1): number => {
    if (json) {
      const document: JsonUpdateDocument = {
        command: 'update',
        exitCode,
        sends: [],
        warnings,
        stdout: '',
        stderr: failure.stderr ?? '',
        error: { ...jsonError(failure), line: failure.line ?? null },
      };
      writeJson(io, document);
    } else if (failure.stderr !== undefined) {
      // nsupdate's own text first, byte for byte; then one line of ours.
      io.stderr.write(failure.stderr);
      io.stderr.write(
        `${PROGRAM}: note: line ${failure.line ?? '?'}: nothing was sent (${PROGRAM} checks the whole script before sending anything)\n`,
      );
    } else {
      io.stderr.write(formatError(failure));
    }
    return exitCode;
  };

  const parsedArgs = parseUpdateArgs(argv);
  if (parsedArgs.isErr()) {
    const error = parsedArgs.error;
    if (!json && error.kind === 'usage') {
      return usageError(io, `update: ${error.message}`, 'update');
    }
    return fail(error);
  }
  const args = parsedArgs.value;
  if (args.help) {
    io.stdout.write(UPDATE_USAGE);
    return 0;
  }
  if (args.version) {
    io.stdout.write(`${PROGRAM} ${packageVersion()} (update: nsupdate 9.18 script language)\n`);
    return 0;
  }

  const key = await loadKey(args, io, warnings);
  if (key.isErr()) return fail(key.error);
  if (args.keyString !== undefined) {
    // As nsupdate(1) and rndc(8) warn for -y: the command line is readable by every local user.
    const warning = {
      kind: 'secret-on-command-line',
      line: null,
      message: Y_WARNING,
    };
    if (json) warnings.push(warning);
    else io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);
  }
  if (!json && args.file === undefined && io.stdinIsTTY && io.stdinStream) {
    // On a terminal, as nsupdate: a `> ` prompt, each line run as it is typed.
    const session = await runNsupdateInteractive(lineStream(io.stdinStream), {
      file: 'stdin',
      ...(key.value ? { key: key.value } : {}),
      ...(args.local ? { localOnly: true, server: '127.0.0.1' } : {}),
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(args.tcp ? { tcp: true } : {}),
      ...updateTiming(args),
      signal: io.signal,
      versionLine: `${PROGRAM} ${packageVersion()}`,
      prompt: () => io.stdout.write('> '),
      onOutput: (stdout, stderr) => {
        io.stdout.write(stdout);
        io.stderr.write(stderr);
      },
    });
    for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);
    return session.exitCode;
  }
  const script = await readScript(args, io);
  if (script.isErr()) return fail(script.error);

  const keyText = key.value
    ? `key ${key.value.name} (${key.value.algorithm}${key.value.truncatedBits ? `, MAC truncated to ${key.value.truncatedBits} bits` : ''})`
    : 'no key (unsigned)';
  const timing = updateTiming(args);
  const run = await withDebug(args.debug, io, () =>
    runNsupdateScript(script.value.text, {
      file: script.value.name,
      ...(args.bindVersion ? { bindVersion: args.bindVersion } : {}),
      ...(key.value ? { key: key.value } : {}),
      // -l: server 127.0.0.1, and the script may not choose another (nsupdate's rule).
      ...(args.local ? { localOnly: true, server: '127.0.0.1' } : {}),
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(args.tcp ? { tcp: true } : {}),
      ...timing,
      signal: io.signal,
      versionLine: `${PROGRAM} ${packageVersion()}`,
      // The script passed the library's checks (syntax, a server for every send): nothing is
      // sent before this line is printed.
      onChecked: (checked) => {
        if (args.debug === 0) return;
        io.stderr.write(
          `; ${PROGRAM}: ${script.value.name}: ${checked.commands.filter((c) => c.kind === 'send').length} send(s), ${keyText}, ${args.tcp ? 'TCP' : 'UDP'}\n`,
        );
      },
    }),
  );
  // Refused by the library (syntax, unsupported, no server): nothing was sent.
  if (run.isErr()) return fail(scriptFailure(run.error));
  const result = run.value;
  for (const warning of result.warnings) {
    warnings.push({ kind: warning.kind, line: warning.line, message: warning.message });
  }
  if (json) {
    const document: JsonUpdateDocument = {
      command: 'update',
      exitCode: result.exitCode,
      sends: result.sends.map(jsonSend),
      warnings,
      stdout: result.stdout,
      stderr: result.stderr,
      error: null,
    };
    writeJson(io, document);
    return result.exitCode;
  }
  // nsupdate's stdout as the library renders it (message IDs, TSIG times and MACs differ).
  io.stdout.write(result.stdout);
  io.stderr.write(result.stderr);
  if (args.debug > 0) for (const send of result.sends) io.stderr.write(debugSummary(send));
  // After nsupdate's own output, so that dropping these lines leaves nsupdate's bytes.
  for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);
  return result.exitCode;
};

/** The lines of a stream (a terminal delivers one per read), without their newlines. */
async function* lineStream(stream: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let end = buffered.indexOf('\n');
    while (end >= 0) {
      yield buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf('\n');
    }
  }
  buffered += decoder.decode();
  if (buffered !== '') yield buffered;
}
