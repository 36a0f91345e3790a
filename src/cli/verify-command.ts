/**
 * `rndc-js sync ZONE --verify` and `rndc-js freeze ZONE --verify` (without a zone: every zone,
 * see verify-all-command.ts): send the command, wait for
 * proof that named wrote the zone file (RndcClient.sync/freeze with `verify`), show a progress
 * line on a terminal while waiting, and print the evidence. Exit 0 written, 1 failed (command or
 * dump), 3 not proven either way, 130 interrupted by a signal before the proof.
 */
import { resolve } from 'node:path';
import type { DumpedResponse } from '../control/client.js';
import { RndcError } from '../control/errors.js';
import { namedDirectory } from '../dump/named-config.js';
import { DEFAULT_VERIFY_TIMEOUT_MS, type DumpEvidence } from '../dump/verify.js';
import {
  type GlobalSettings,
  namedBinaryOption,
  namedPidOption,
  optionText,
  parseArgs,
  parseSeconds,
} from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import {
  chooseNamedLog,
  configuredJournal,
  loadNamedConf,
  type NamedLogChoice,
  namedConfPath,
} from './named-conf.js';
import { type NamedLogInput, namedLogInput } from './named-log-input.js';
import {
  EXIT_INTERRUPTED,
  formatError,
  jsonError,
  jsonReply,
  type PrintableError,
  printInterrupted,
  writeJson,
} from './output.js';
import { startProgress } from './progress.js';
import { evidenceText, jsonEvidence } from './report.js';
import { printRndcFailure } from './rndc-command.js';
import { UNVERIFIED_CLEAN_FLAG } from './sync-flags.js';
import { usageError } from './usage.js';

/** Exit statuses of `--verify`. */
export const EXIT_WRITTEN = 0;
export const EXIT_FAILED = 1;
export const EXIT_UNPROVEN = 3;

const VERIFY_OPTIONS = [
  { long: 'verify' },
  { long: 'clean' },
  { long: 'json' },
  { long: 'named-log', value: true, key: 'namedLog' },
  { long: 'named-dir', value: true, key: 'namedDir' },
  { long: 'named-conf', value: true, key: 'namedConf' },
  { long: 'named-pid', value: true, key: 'namedPid' },
  { long: 'named-binary', value: true, key: 'namedBinary' },
  { long: 'trust-named-pid', key: 'trustNamedPid' },
  { long: 'zone-file', value: true, key: 'zoneFile' },
  { long: 'wait', value: true, key: 'wait' },
] as const;

/** `sync|freeze ZONE [class [view]] --verify …`; `args` are the words after the command word. */
export async function verifyCommand(
  word: 'sync' | 'freeze',
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  // rndc's own `-clean` is the same request as `--clean` here (and guarded the same way).
  const normalised = args.map((arg) => (arg === '-clean' && word === 'sync' ? '--clean' : arg));
  const parsed = parseArgs(normalised, VERIFY_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, word);
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  const clean = options.clean === true;
  if (clean && word !== 'sync') return usageError(io, `--clean applies only to sync`, word);
  const [zone, zoneClass, view, ...extra] = operands;
  if (zone === undefined && clean && options.verify !== true) {
    return usageError(
      io,
      `sync -clean needs a zone: ${PROGRAM} deletes a journal only after proving the dump of that zone (sync ZONE -clean); 'sync --verify --clean' proves every zone and deletes the journals of those proven; ${UNVERIFIED_CLEAN_FLAG} sends rndc's unverified sync -clean`,
      word,
    );
  }
  if (zone === undefined && optionText(options, 'zoneFile') !== undefined) {
    return usageError(
      io,
      `--zone-file names one zone's file: ${word} ZONE --verify --zone-file PATH`,
      word,
    );
  }
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, word);
  const text = (key: string) => optionText(options, key);
  const waitText = text('wait');
  const waitSeconds = waitText === undefined ? undefined : parseSeconds(waitText);
  if (waitText !== undefined && waitSeconds === undefined) {
    return usageError(io, `--wait '${waitText}' is not a number of seconds`, word);
  }
  const namedPid = namedPidOption(options);
  if (namedPid.isErr()) return usageError(io, namedPid.error, word);
  const trustNamedPid = options.trustNamedPid === true;
  if (trustNamedPid && namedPid.value === undefined) {
    return usageError(io, '--trust-named-pid vouches for --named-pid PID: give the pid', word);
  }

  /** Nothing was sent: the error on stderr, or as the JSON document. */
  let logChoice: NamedLogChoice | undefined;
  const fail = (error: PrintableError): number => {
    if (json) {
      writeJson(
        io,
        zone === undefined
          ? allZonesFailure(word, clean, error)
          : verifyDocument(word, zone, clean, undefined, undefined, error, logChoice),
      );
    } else io.stderr.write(formatError(error));
    return EXIT_FAILED;
  };
  let directory = text('namedDir');
  const namedConfText = text('namedConf');
  const namedConf = namedConfText === undefined ? undefined : resolve(io.cwd, namedConfText);
  // The all-zones form reads named.conf itself (its zones and directory, or why it cannot).
  if (directory === undefined && namedConf !== undefined && zone !== undefined) {
    const found = await namedDirectory(namedConf);
    if (found.isErr()) {
      return fail({
        kind: 'zone-file-unknown',
        message: `cannot find named's directory: ${found.error}`,
        remedy: 'pass --named-dir DIR (named.conf options { directory })',
      });
    }
    directory = found.value;
  }

  // A missing --named-log is an error; a stream is copied to a file while the command runs.
  const logOption = text('namedLog');
  let logInput: NamedLogInput | undefined;
  if (logOption !== undefined) {
    const input = await namedLogInput(logOption, io);
    if (input.isErr()) return usageError(io, input.error, word);
    logInput = input.value;
    if (logInput.note) io.stderr.write(`${PROGRAM}: ${logInput.note}\n`);
  }
  try {
    if (zone === undefined) {
      // rndc's all-zones form, each zone proven (verify-all-command.ts).
      const { verifyAllZones } = await import('./verify-all-command.js');
      return await verifyAllZones({
        word,
        clean,
        json,
        settings,
        io,
        namedLog: logInput?.path,
        directory,
        namedConf,
        namedPid: namedPid.value,
        namedBinary: namedBinaryOption(text('namedBinary'), io),
        trustNamedPid,
        waitSeconds,
      });
    }
    return await verifyWithLog(word, zone, zoneClass, view, clean, json, logInput?.path, {
      settings,
      io,
      text,
      directory,
      namedConf,
      namedPid: namedPid.value,
      trustNamedPid,
      waitSeconds,
      fail,
      chosenLog: (choice) => {
        logChoice = choice;
      },
    });
  } finally {
    await logInput?.stop();
  }
}

/** The rest of {@link verifyCommand}, once `--named-log` is resolved. */
async function verifyWithLog(
  word: 'sync' | 'freeze',
  zone: string,
  zoneClass: string | undefined,
  view: string | undefined,
  clean: boolean,
  json: boolean,
  namedLog: string | undefined,
  context: {
    settings: GlobalSettings;
    io: CliIo;
    text: (key: string) => string | undefined;
    directory: string | undefined;
    namedConf: string | undefined;
    namedPid: number | undefined;
    /** --trust-named-pid: the diagnosis uses --named-pid even when it fails the identity checks. */
    trustNamedPid: boolean;
    waitSeconds: number | undefined;
    fail: (error: PrintableError) => number;
    /** Tells the caller which log was chosen (for the JSON document of a failure). */
    chosenLog: (choice: NamedLogChoice) => void;
  },
): Promise<number> {
  const { settings, io, text, namedConf, waitSeconds, fail } = context;
  let { directory } = context;
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) return fail(connection.error);
  const { client, server } = connection.value;
  // named.conf (--named-conf, else the one `rndc status` names): the zone's journal, and named's
  // log when --named-log is not given.
  const conf = await namedConfPath(namedConf, client, io.signal);
  const loaded = await loadNamedConf(conf, io.signal);
  if (loaded.problem) verbose(io, settings, `named.conf: ${loaded.problem}`);
  // --named-log (a file, or the copy of a stream) wins over named.conf's log channel.
  const logChoice = await chooseNamedLog(namedLog, loaded.config, loaded.problem);
  context.chosenLog(logChoice);
  verbose(io, settings, `named's log: ${logChoice.path ?? '(none)'} (${logChoice.note})`);
  const log = logChoice.path;
  const zoneFile = text('zoneFile');
  // Read here once, so the picture taken before the command reads no configuration.
  directory ??= loaded.config?.directory;
  const journalFile = configuredJournal(
    loaded.config,
    { zone, zoneClass, view },
    zoneFile === undefined ? undefined : resolve(io.cwd, zoneFile),
  );
  const namedBinary = namedBinaryOption(text('namedBinary'), io);
  const verify = {
    ...(log !== undefined ? { log } : {}),
    ...(directory !== undefined ? { directory } : {}),
    ...(journalFile !== undefined ? { journalFile } : {}),
    ...(zoneFile !== undefined ? { zoneFile } : {}),
    ...(context.namedPid !== undefined ? { namedPid: context.namedPid } : {}),
    ...(namedBinary !== undefined ? { namedBinary } : {}),
    ...(context.trustNamedPid ? { trustNamedPid: true } : {}),
    ...(waitSeconds !== undefined ? { timeoutMs: Math.round(waitSeconds * 1000) } : {}),
  };
  const zoneOptions = {
    ...(zoneClass !== undefined ? { class: zoneClass } : {}),
    ...(view !== undefined ? { view } : {}),
    signal: io.signal,
  };
  verbose(
    io,
    settings,
    `${word} ${zone}${clean ? ' (-clean once verified)' : ''} via ${server}, verifying the dump`,
  );
  const stop = startProgress(io, `waiting for named to write ${zone}`, {
    deadlineMs: verify.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
    json,
  });
  let result: Awaited<ReturnType<typeof client.sync>>;
  try {
    result =
      word === 'sync'
        ? await client.sync(zone, { ...zoneOptions, verify, clean })
        : await client.freeze(zone, { ...zoneOptions, verify });
  } finally {
    stop();
    await client.close();
  }

  if (result.isOk()) {
    const response: DumpedResponse = result.value;
    const evidence = response.dump;
    if (json) {
      writeJson(io, verifyDocument(word, zone, clean, response, evidence, null, logChoice));
    } else {
      if (response.text) io.stdout.write(`${response.text}\n`);
      if (evidence) io.stdout.write(evidenceText(evidence) + logLine(logChoice));
      if (clean) io.stdout.write(`  journal:        deleted (sync -clean sent after the proof)\n`);
    }
    return EXIT_WRITTEN;
  }

  const error = result.error;
  if (error instanceof RndcError) {
    // The command itself failed (or never reached named): as in rndc mode.
    if (json) {
      writeJson(io, verifyDocument(word, zone, clean, error.response, undefined, error, logChoice));
      return EXIT_FAILED;
    }
    return printRndcFailure(error, settings, io);
  }
  const evidence = error.evidence;
  // A signal ends the wait early, as "not proven": that says nothing here, unlike a failure.
  const interrupted = io.signal.aborted && evidence?.verdict !== 'failed';
  const status = interrupted ? EXIT_INTERRUPTED : exitFor(evidence);
  if (json) {
    // named's own failed answer, when it refused the dump (BIND 9.20+: failed at once).
    const reply = error.cause instanceof RndcError ? error.cause.response : undefined;
    writeJson(io, verifyDocument(word, zone, clean, reply, evidence, error, logChoice));
  } else if (interrupted) {
    printInterrupted(
      io,
      `the dump of ${zone} was not proven${clean ? ' and its journal was kept' : ''} (named may still write it)`,
    );
  } else {
    if (evidence) io.stdout.write(evidenceText(evidence) + logLine(logChoice));
    io.stderr.write(
      formatError(error, `'${word}' ${status === EXIT_UNPROVEN ? 'not verified' : 'failed'}`),
    );
  }
  return status;
}

/** Where named's log came from, when not from --named-log (one evidence line). */
function logLine(choice: NamedLogChoice | undefined): string {
  if (choice === undefined || choice.source === 'option') return '';
  const value = choice.path !== undefined ? `${choice.path} (${choice.note})` : choice.note;
  return `  ${'log file:'.padEnd(16)}${value}\n`;
}

/** Not proven either way (3), or failed (1): a proven dump failure, or nothing to judge by. */
function exitFor(evidence: DumpEvidence | undefined): number {
  return evidence?.verdict === 'unknown' ? EXIT_UNPROVEN : EXIT_FAILED;
}

/** The `--json` document of the all-zones form when it failed before any zone (same fields). */
function allZonesFailure(word: string, clean: boolean, error: PrintableError) {
  return {
    ok: false,
    command: word,
    zone: null,
    clean,
    zones: [],
    summary: null,
    notes: [],
    namedConf: null,
    namedLog: null,
    error: jsonError(error),
  };
}

/** The `--json` document of sync/freeze --verify. */
function verifyDocument(
  word: string,
  zone: string,
  clean: boolean,
  response: DumpedResponse | RndcError['response'],
  evidence: DumpEvidence | undefined,
  error: PrintableError | null,
  log: NamedLogChoice | undefined,
) {
  const dump = evidence ?? (response && 'dump' in response ? response.dump : undefined);
  return {
    ok: error === null,
    command: word,
    zone,
    clean,
    verdict: dump?.verdict ?? null,
    reply: response ? jsonReply(response) : null,
    evidence: dump ? jsonEvidence(dump) : null,
    namedLog: log ? { path: log.path ?? null, source: log.source, note: log.note } : null,
    error: error === null ? null : jsonError(error),
  };
}
