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
import { cleanTmpCommand } from './clean-tmp-command.js';
import { doctorCommand } from './doctor-command.js';
import { explainCommand } from './explain-command.js';
import { fleetCommand } from './fleet-command.js';
import { type CliIo, PROGRAM } from './io.js';
import { propagationCommand } from './propagation-command.js';
import { recoverCommand } from './recover-command.js';
import { rndcCommand } from './rndc-command.js';
import { transferCommand } from './transfer-command.js';
import { triggersCommand } from './triggers-command.js';
import { updateCommand } from './update.js';
import { USAGE, usageError } from './usage.js';
import {
  UNVERIFIED_CLEAN_FLAG,
  UNVERIFIED_CLEAN_WARNING,
  verifyCommand,
  wantsClean,
  wantsVerify,
} from './verify-command.js';

/** Exit status after an unexpected exception (a bug): EX_SOFTWARE. */
export const EXIT_INTERNAL = 70;

/** Runs `rndc-js` with `argv` (without the node and script paths). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`${PROGRAM}: internal error: ${message}\n`);
    io.stderr.write(`${PROGRAM}: this is a bug; please report it with the command line used\n`);
    return EXIT_INTERNAL;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(argv, GLOBAL_OPTIONS, { stopAtOperand: true });
  if (parsed.isErr()) return usageError(io, parsed.error);
  const { options, values, operands } = parsed.value;
  if (options.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (options.version === true) {
    io.stdout.write(`${PROGRAM} ${packageVersion()}\n`);
    return 0;
  }
  const settingsResult = globalSettings(options);
  if (settingsResult.isErr()) return usageError(io, settingsResult.error);
  const settings = settingsResult.value;
  const [word, ...rest] = operands;
  if (word === undefined) {
    io.stderr.write(USAGE);
    return 1;
  }
  const servers = values.server ?? [];
  const fleetFile = optionText(options, 'fleet');
  const concurrency = optionText(options, 'concurrency');
  if (servers.length > 1 || fleetFile !== undefined) {
    return fleetCommand(
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
      return updateCommand(settings.json ? ['--json', ...rest] : rest, io);
    case 'doctor':
      return doctorCommand(rest, settings, io);
    case 'triggers':
      return triggersCommand(rest, settings, io);
    case 'recover':
      return recoverCommand(rest, settings, io);
    case 'clean-tmp':
      return cleanTmpCommand(rest, settings, io);
    case 'explain':
      return explainCommand(rest, settings, io);
    case 'transfer':
      return transferCommand(rest, settings, io);
    case 'propagation':
      return propagationCommand(rest, settings, io);
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
        return verifyCommand(word, rest, settings, io);
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
function rndcMode(
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
