/**
 * The `rndc-js` dispatcher: global options (rndc's, up to the command word), then the command —
 * one of rndc-js's own (sync/freeze --verify, doctor, triggers, update) or any rndc command,
 * passed through. Returns the exit status; never throws for a user error.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GLOBAL_OPTIONS,
  type GlobalSettings,
  globalSettings,
  optionText,
  parseArgs,
} from './args.js';
import { type CliIo, PROGRAM } from './io.js';
import { writeJson } from './output.js';
import { rndcCommand } from './rndc-command.js';
import {
  UNVERIFIED_CLEAN_FLAG,
  UNVERIFIED_CLEAN_WARNING,
  wantsClean,
  wantsVerify,
} from './sync-flags.js';
import { USAGE, usageError } from './usage.js';

// rndc mode is loaded with the dispatcher; rndc-js's own commands when one runs (commands.ts):
// `rndc-js status` loads the control channel and nothing of update, transfer, doctor or fleet
// (startup: bench/cli.bench.ts).
const commands = () => import('./commands.js');

/** Exit status after an unexpected exception (a bug): EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;

/** Runs `rndc-js` with `argv` (without the node and script paths). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  // --json among the global options: whatever happens, stdout gets exactly one JSON document.
  const watched = jsonWanted(argv) ? watchOutput(io) : undefined;
  try {
    const status = await dispatch(argv, watched?.io ?? io);
    if (watched && !watched.wroteStdout())
      writeJson(io, stderrAsJson(watched.stderrText(), status));
    return status;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${PROGRAM}: internal error: ${message}\n`);
    io.stderr.write(`${PROGRAM}: this is a bug; please report it with the command line used\n`);
    if (watched && !watched.wroteStdout()) {
      writeJson(io, { ok: false, error: { kind: 'internal', message, causes: [], remedy: null } });
    }
    return EXIT_INTERNAL;
  }
}

/** True when `--json` is among the arguments (before any `--`). */
function jsonWanted(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--json');
}

/**
 * The JSON document of a run that printed only on stderr (a usage error, a missing command: rndc's
 * way): its first line as the error.
 */
function stderrAsJson(stderr: string, status: number): unknown {
  if (status === 0) return { ok: true };
  const first = stderr.split('\n', 1)[0] ?? '';
  const usage = stderr.includes('for usage.') || first.startsWith('Usage:');
  const message = first.startsWith(`${PROGRAM}: `)
    ? first.slice(PROGRAM.length + 2)
    : first.startsWith('Usage:')
      ? 'no command given'
      : first;
  return {
    ok: false,
    error: { kind: usage ? 'usage' : 'error', message, causes: [], remedy: null },
  };
}

/** The same io, remembering whether stdout was written to and the start of stderr. */
function watchOutput(io: CliIo): { io: CliIo; wroteStdout(): boolean; stderrText(): string } {
  let wrote = false;
  let stderr = '';
  const watchedIo: CliIo = Object.create(io, {
    stdout: {
      value: {
        write: (text: string) => {
          if (text !== '') wrote = true;
          return io.stdout.write(text);
        },
        isTTY: io.stdout.isTTY,
      },
    },
    stderr: {
      value: {
        write: (text: string) => {
          // Only the first line is used; bounded whatever a command prints.
          if (stderr.length < 4096) stderr += text;
          return io.stderr.write(text);
        },
        isTTY: io.stderr.isTTY,
      },
    },
  });
  return { io: watchedIo, wroteStdout: () => wrote, stderrText: () => stderr };
}

/** The usage text with rndc's command catalog. */
async function fullUsage(): Promise<string> {
  return `${USAGE}${(await commands()).commandCatalog()}`;
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv, GLOBAL_OPTIONS, { stopAtOperand: true });
  if (parsed.isErr()) return usageError(io, parsed.error);
  const { options, values, operands } = parsed.value;
  if (options.help === true) {
    io.stdout.write(await fullUsage());
    return 0;
  }
  if (options.shortHelp === true) {
    // As rndc -h: the usage on stderr, exit 0.
    io.stderr.write(await fullUsage());
    return 0;
  }
  if (options.version === true) {
    io.stdout.write(`${PROGRAM} ${packageVersion()}\n`);
    return 0;
  }
  if (options.ipv4 === true && options.ipv6 === true) {
    // rndc's line, without a usage hint (as rndc).
    io.stderr.write(`${PROGRAM}: only one of -4 and -6 allowed\n`);
    return 1;
  }
  const settingsResult = globalSettings(options);
  if (settingsResult.isErr()) return usageError(io, settingsResult.error);
  const settings = settingsResult.value;
  const [word, ...rest] = operands;
  const batchFile = optionText(options, 'batch');
  if (batchFile !== undefined || word === '-') {
    if (batchFile !== undefined ? word !== undefined : rest.length > 0) {
      return usageError(
        io,
        'batch mode takes its commands from the input, one per line, not from the command line',
      );
    }
    const { batchCommand } = await commands();
    return batchCommand(batchFile ?? '-', settings, io);
  }
  if (word === undefined) {
    // As rndc without a command: the usage on stderr, exit 1.
    io.stderr.write(await fullUsage());
    return 1;
  }
  const servers = values.server ?? [];
  const fleetFile = optionText(options, 'fleet');
  const concurrency = optionText(options, 'concurrency');
  if (servers.length > 1 || fleetFile !== undefined) {
    return (await commands()).fleetCommand(
      word,
      rest,
      settings,
      {
        servers,
        ...(fleetFile !== undefined ? { fleetFile } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
      },
      io,
    );
  }
  if (concurrency !== undefined)
    return usageError(io, '--concurrency goes with several -s or --fleet');
  switch (word) {
    case 'update':
      // The update command handles its own options, --json included.
      return (await commands()).updateCommand(settings.json ? ['--json', ...rest] : rest, io);
    case 'doctor':
      return (await commands()).doctorCommand(rest, settings, io);
    case 'triggers':
      return (await commands()).triggersCommand(rest, settings, io);
    case 'recover':
      return (await commands()).recoverCommand(rest, settings, io);
    case 'clean-tmp':
      return (await commands()).cleanTmpCommand(rest, settings, io);
    case 'explain':
      return (await commands()).explainCommand(rest, settings, io);
    case 'transfer':
      return (await commands()).transferCommand(rest, settings, io);
    case 'propagation':
      return (await commands()).propagationCommand(rest, settings, io);
    case 'watch':
      // Its own chunk: prom-client is loaded only by the watcher.
      return (await import('./watch-command.js')).watchCommand(rest, settings, io);
    case 'sync':
    case 'freeze':
      if (word === 'sync' && rest.includes(UNVERIFIED_CLEAN_FLAG)) {
        // rndc's raw behaviour, asked for by name: passed through as rndc sends it, with a warning.
        if (wantsVerify(rest) || !wantsClean(rest)) {
          return usageError(
            io,
            `${UNVERIFIED_CLEAN_FLAG} goes with -clean and without --verify (it sends rndc's unverified sync -clean)`,
            'sync',
          );
        }
        io.stderr.write(UNVERIFIED_CLEAN_WARNING);
        const raw = rest
          .filter((arg) => arg !== UNVERIFIED_CLEAN_FLAG)
          .map((arg) => (arg === '--clean' ? '-clean' : arg));
        return rndcMode(word, raw, settings, io);
      }
      // sync -clean verifies first: the journal is the only persistent copy of the changes.
      if (wantsVerify(rest) || (word === 'sync' && wantsClean(rest))) {
        return (await commands()).verifyCommand(word, rest, settings, io);
      }
      break;
    default:
      break;
  }
  return rndcMode(word, rest, settings, io);
}

/**
 * rndc mode. `--json` may also follow the command (no rndc command takes it); `--` ends that,
 * and everything after it goes to named as written.
 */
async function rndcMode(
  word: string,
  rest: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const words: string[] = [word];
  let json = settings.json;
  let verbatim = false;
  for (const arg of rest) {
    if (!verbatim && arg === '--') verbatim = true;
    else if (!verbatim && arg === '--json') json = true;
    else words.push(arg);
  }
  return rndcCommand(words, { ...settings, json }, io);
}

let cachedVersion: string | undefined;

/** The version of the package this file belongs to (its package.json, found upwards). */
export function packageVersion(): string {
  if (cachedVersion !== undefined) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'rndc' && pkg.version) {
        cachedVersion = pkg.version;
        return pkg.version;
      }
    } catch {
      // not here
    }
    dir = dirname(dir);
  }
  cachedVersion = 'unknown';
  return cachedVersion;
}
