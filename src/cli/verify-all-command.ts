/**
 * `rndc-js sync --verify [--clean]` and `rndc-js freeze --verify` without a zone: rndc's
 * all-zones form, proven zone by zone (RndcClient.syncAll/freezeAll). A table of every zone on
 * stdout, each failure with its diagnosis on stderr, or one JSON document. Exit 0 every zone
 * proven, 1 any zone failed, 3 none failed but some not proven, 130 interrupted.
 */
import type { RndcClient } from '../control/client.js';
import {
  type AllZonesDump,
  DEFAULT_ALL_ZONES_TIMEOUT_MS,
  type ZoneDumpResult,
  zoneLabel,
} from '../dump/all-zones.js';
import type { GlobalSettings } from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { chooseNamedLog, loadNamedConf, type NamedLogChoice, namedConfPath } from './named-conf.js';
import {
  EXIT_INTERRUPTED,
  formatError,
  jsonError,
  type PrintableError,
  printInterrupted,
  writeJson,
} from './output.js';
import { startProgress } from './progress.js';
import { type JsonEvidence, jsonEvidence } from './report.js';

const EXIT_PROVEN = 0;
const EXIT_FAILED = 1;
const EXIT_UNPROVEN = 3;

/** What the all-zones form takes from the command line. */
export interface AllZonesRequest {
  readonly word: 'sync' | 'freeze';
  readonly clean: boolean;
  readonly json: boolean;
  readonly settings: GlobalSettings;
  readonly io: CliIo;
  /** --named-log (a file, or the copy of a stream). */
  readonly namedLog: string | undefined;
  /** --named-dir, or named.conf's directory when --named-conf was given. */
  readonly directory: string | undefined;
  /** --named-conf, absolute. */
  readonly namedConf: string | undefined;
  readonly namedPid: number | undefined;
  readonly namedBinary: string | undefined;
  readonly trustNamedPid: boolean;
  /** --wait: the whole call's deadline. */
  readonly waitSeconds: number | undefined;
}

/** Runs the all-zones form; returns the exit status. */
export async function verifyAllZones(request: AllZonesRequest): Promise<number> {
  const { word, clean, json, settings, io } = request;
  let logChoice: NamedLogChoice | undefined;
  const fail = (error: PrintableError): number => {
    if (json) writeJson(io, allZonesDocument(request, undefined, error, logChoice));
    else io.stderr.write(formatError(error));
    return EXIT_FAILED;
  };
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) return fail(connection.error);
  const { client, server } = connection.value;
  try {
    // named.conf (--named-conf, else the one `rndc status` names) lists the zones and names the
    // log named writes dump errors to, when --named-log is not given.
    const conf = await namedConfPath(request.namedConf, client, io.signal);
    const loaded = await loadNamedConf(conf, io.signal);
    if (loaded.problem) verbose(io, settings, `named.conf: ${loaded.problem}`);
    logChoice = await chooseNamedLog(request.namedLog, loaded.config, loaded.problem);
    verbose(io, settings, `named's log: ${logChoice.path ?? '(none)'} (${logChoice.note})`);
    const directory = request.directory ?? loaded.config?.directory;
    const timeoutMs =
      request.waitSeconds === undefined
        ? DEFAULT_ALL_ZONES_TIMEOUT_MS
        : Math.round(request.waitSeconds * 1000);
    const verify = {
      ...(logChoice.path !== undefined ? { log: logChoice.path } : {}),
      ...(directory !== undefined ? { directory } : {}),
      ...(conf !== undefined ? { namedConf: conf } : {}),
      ...(request.namedPid !== undefined ? { namedPid: request.namedPid } : {}),
      ...(request.namedBinary !== undefined ? { namedBinary: request.namedBinary } : {}),
      ...(request.trustNamedPid ? { trustNamedPid: true } : {}),
    };
    verbose(
      io,
      settings,
      `${word} of every zone${clean ? ' (-clean each once verified)' : ''} via ${server}, verifying each dump`,
    );
    let settled = 0;
    const what = () => `waiting for named to write every zone (${settled} settled)`;
    const stop = startProgress(io, what, { deadlineMs: timeoutMs, json });
    const onZone = () => {
      settled++;
    };
    const result = await run(client, word, clean, {
      verify,
      timeoutMs,
      signal: io.signal,
      onZone,
    }).finally(() => stop());
    if (result.isErr() && result.error.dump === undefined) {
      return fail(result.error);
    }
    const dump = result.isOk() ? result.value : (result.error.dump as AllZonesDump);
    const status = exitStatus(dump, io.signal.aborted);
    if (json) {
      writeJson(io, allZonesDocument(request, dump, null, logChoice));
      return status;
    }
    io.stdout.write(zonesTable(dump));
    io.stdout.write(`${word} of all zones: ${dump.summary.text}\n`);
    if (logChoice.source !== 'option') {
      io.stdout.write(
        `named's log: ${logChoice.path !== undefined ? `${logChoice.path} (${logChoice.note})` : logChoice.note}\n`,
      );
    }
    for (const note of dump.notes) io.stderr.write(`${PROGRAM}: note: ${note}\n`);
    for (const zone of dump.zones) {
      if (zone.error === undefined) continue;
      io.stderr.write(formatError(zone.error, `${zoneLabel(zone)}: '${word}' ${zoneVerb(zone)}`));
      const findings = zone.evidence?.diagnosis?.findings ?? [];
      for (const finding of findings) {
        io.stderr.write(`  ${finding.severity.toUpperCase()} ${finding.code}: ${finding.title}\n`);
        for (const line of finding.evidence) io.stderr.write(`      ${line}\n`);
      }
    }
    if (status === EXIT_INTERRUPTED) {
      printInterrupted(
        io,
        `not every zone was proven${clean ? ' (the journals of zones not proven were kept)' : ''}; named may still write them`,
      );
    }
    return status;
  } finally {
    await client.close();
  }
}

function run(
  client: RndcClient,
  word: 'sync' | 'freeze',
  clean: boolean,
  options: Parameters<RndcClient['syncAll']>[0] & object,
) {
  return word === 'sync' ? client.syncAll({ ...options, clean }) : client.freezeAll(options);
}

/** 0 every zone proven, 1 any failed, 130 interrupted (before a failure), 3 not proven. */
function exitStatus(dump: AllZonesDump, interrupted: boolean): number {
  const { summary } = dump;
  if (summary.failed > 0) return EXIT_FAILED;
  if (summary.notProven > 0) return interrupted ? EXIT_INTERRUPTED : EXIT_UNPROVEN;
  return EXIT_PROVEN;
}

function zoneVerb(zone: ZoneDumpResult): string {
  return zone.status === 'failed' ? 'failed' : 'not verified';
}

/** The table: zone, view, served serial, file serial, verdict, time. */
export function zonesTable(dump: AllZonesDump): string {
  const header = ['ZONE', 'VIEW', 'SERVED', 'FILE', 'VERDICT', 'TIME'];
  const rows = dump.zones.map((zone) => [
    printable(zone.class !== 'IN' ? `${zone.zone}/${zone.class}` : zone.zone),
    printable(zone.view ?? '-'),
    serialText(zone.evidence?.servedSerial),
    serialText(zone.evidence?.fileSerialAfter),
    verdictText(zone),
    `${(zone.elapsedMs / 1000).toFixed(2)} s`,
  ]);
  const widths = header.map((title, column) =>
    Math.min(60, Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

function verdictText(zone: ZoneDumpResult): string {
  switch (zone.status) {
    case 'proven':
      return `${zone.verdict === 'nothing-pending' ? 'nothing pending' : 'WRITTEN'}${zone.wasFrozen ? ' (was frozen)' : ''}${zone.journalCleaned ? ', journal deleted' : ''}`;
    case 'failed': {
      const step = zone.evidence?.failedStep;
      return step ? `FAILED (${step})` : 'FAILED';
    }
    case 'not-proven':
      return 'NOT PROVEN';
    default:
      return `skipped: ${zone.skipped ?? ''}`;
  }
}

function serialText(serial: number | undefined): string {
  return serial === undefined ? '-' : String(serial);
}

/** A name from named.conf shown on a terminal: control characters as `\xNN`. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
  const shown = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/** One zone in the `--json` document. */
interface JsonZone {
  readonly zone: string;
  readonly class: string;
  readonly view: string | null;
  readonly status: string;
  readonly verdict: string | null;
  readonly servedSerial: number | null;
  readonly fileSerial: number | null;
  readonly elapsedMs: number;
  readonly skipped: string | null;
  readonly wasFrozen: boolean;
  readonly journalCleaned: boolean;
  readonly evidence: JsonEvidence | null;
  readonly error: ReturnType<typeof jsonError> | null;
}

function jsonZone(zone: ZoneDumpResult): JsonZone {
  return {
    zone: zone.zone,
    class: zone.class,
    view: zone.view ?? null,
    status: zone.status,
    verdict: zone.verdict ?? null,
    servedSerial: zone.evidence?.servedSerial ?? null,
    fileSerial: zone.evidence?.fileSerialAfter ?? null,
    elapsedMs: zone.elapsedMs,
    skipped: zone.skipped ?? null,
    wasFrozen: zone.wasFrozen,
    journalCleaned: zone.journalCleaned,
    evidence: zone.evidence ? jsonEvidence(zone.evidence) : null,
    error: zone.error ? jsonError(zone.error) : null,
  };
}

/** The `--json` document of the all-zones form. */
function allZonesDocument(
  request: AllZonesRequest,
  dump: AllZonesDump | undefined,
  error: PrintableError | null,
  log: NamedLogChoice | undefined,
) {
  return {
    ok: error === null && dump?.summary.allProven === true,
    command: request.word,
    zone: null,
    clean: request.clean,
    zones: dump ? dump.zones.map(jsonZone) : [],
    summary: dump
      ? {
          allProven: dump.summary.allProven,
          total: dump.summary.total,
          proven: dump.summary.proven,
          failed: dump.summary.failed,
          notProven: dump.summary.notProven,
          skipped: dump.summary.skipped,
          text: dump.summary.text,
        }
      : null,
    notes: dump?.notes ?? [],
    namedConf: dump?.namedConf ?? null,
    namedLog: log ? { path: log.path ?? null, source: log.source, note: log.note } : null,
    error: error === null ? null : jsonError(error),
  };
}
