/**
 * `rndc-js doctor [ZONE [class [view]] | --zone-file PATH]`: diagnoseZoneStorage as a readable
 * report. With ZONE the zone file comes from `zonestatus` (`files:`, relative to named's
 * directory: --named-dir ▸ --named-conf's `options { directory }` ▸ the named.conf `status`
 * names ▸ /proc/<pid>/cwd). Exit 0 no error findings, 1 error findings, 2 could not diagnose,
 * 3 no error finding but named's access NOT checked (its identity unknown or not verified).
 */
import { readlink } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import {
  type DiagnoseOptions,
  diagnoseZoneStorage,
  namedAccessChecked,
  type StorageDiagnosis,
} from '../dump/diagnose.js';
import { namedDirectory } from '../dump/named-config.js';
import { Err, Ok, type Result } from '../result.js';
import {
  type GlobalSettings,
  namedBinaryOption,
  namedPidOption,
  optionText,
  parseArgs,
} from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import type { CliIo } from './io.js';
import { chooseNamedLog, loadNamedConf, type NamedLogChoice } from './named-conf.js';
import { formatError, jsonError, type PrintableError, writeJson } from './output.js';
import { findingsText, jsonDiagnosis, severityCounts } from './report.js';
import { usageError } from './usage.js';

export const EXIT_HEALTHY = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_UNDIAGNOSED = 2;
/** No error finding, but named was not found (or not verified): its access was not checked. */
export const EXIT_NOT_CHECKED = 3;

const DOCTOR_OPTIONS = [
  { long: 'json' },
  { long: 'zone-file', value: true, key: 'zoneFile' },
  { long: 'named-pid', value: true, key: 'namedPid' },
  { long: 'trust-named-pid', key: 'trustNamedPid' },
  { long: 'named-user', value: true, key: 'namedUser' },
  { long: 'named-conf', value: true, key: 'namedConf' },
  { long: 'named-dir', value: true, key: 'namedDir' },
  { long: 'named-binary', value: true, key: 'namedBinary' },
] as const;

interface ZoneContext {
  readonly zone: string | undefined;
  readonly zoneFile: string;
  readonly servedSerial: number | undefined;
  readonly directory: string | undefined;
  /** named.conf, from --named-conf or `rndc status` (for named's pid file). */
  readonly configFile: string | undefined;
  /** named's boot time from `rndc status`: ties the process to the server that answered. */
  readonly bootTime: Date | undefined;
}

/** What named.conf adds: the zone's journal, named's log. */
interface ConfFacts {
  readonly journalFile: string | undefined;
  readonly log: NamedLogChoice;
}

const IDENTITY_TEXT: Record<string, string> = {
  pid: 'from --named-pid, verified (host named binary, host user namespace, started by root)',
  'pid-file':
    'from named’s pid file, verified (host named binary, host user namespace, started by root)',
  'vouched-pid':
    'from --named-pid with --trust-named-pid: NOT verified as the host’s named, used as vouched for',
  'detected-pid':
    'found running the host’s named binary, verified (host user namespace, started by root)',
  user: 'from --named-user (paths judged in this process’s view)',
  unverified:
    'NOT VERIFIED: the process given is not the host’s named; named’s access was not checked',
  unknown:
    'not found: named’s access was NOT checked (pass --named-pid, --named-conf, --named-binary or --named-user)',
};

/** `doctor …`; `args` are the words after `doctor`. */
export async function doctorCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, DOCTOR_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'doctor');
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  const text = (key: string) => optionText(options, key);
  const [zone, zoneClass, view, ...extra] = operands;
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, 'doctor');
  const zoneFileOption = text('zoneFile');
  if (zone === undefined && zoneFileOption === undefined) {
    return usageError(io, 'doctor needs a zone or --zone-file PATH', 'doctor');
  }
  const pid = namedPidOption(options);
  if (pid.isErr()) return usageError(io, pid.error, 'doctor');
  const namedPid = pid.value;
  const namedUser = text('namedUser');
  const namedBinary = namedBinaryOption(text('namedBinary'), io);

  const fail = (error: PrintableError): number => {
    if (json)
      writeJson(io, { ok: false, zone: zone ?? null, diagnosis: null, error: jsonError(error) });
    else io.stderr.write(formatError(error, 'doctor'));
    return EXIT_UNDIAGNOSED;
  };

  const context = await zoneContext(
    { zone, zoneClass, view, zoneFile: zoneFileOption, namedPid },
    text('namedDir'),
    text('namedConf'),
    settings,
    io,
  );
  if (context.isErr()) return fail(context.error);
  const { zoneFile, servedSerial } = context.value;
  const conf = await confFacts(context.value, zoneClass, view, io);
  verbose(io, settings, `diagnosing ${zoneFile}`);
  const diagnoseOptions: DiagnoseOptions = {
    zoneFile,
    ...(conf.journalFile !== undefined ? { journalFile: conf.journalFile } : {}),
    timeoutMs: settings.timeoutMs,
    signal: io.signal,
    ...(context.value.configFile !== undefined ? { namedConf: context.value.configFile } : {}),
    ...(context.value.bootTime !== undefined ? { namedBootTime: context.value.bootTime } : {}),
    ...(namedPid !== undefined ? { namedPid } : {}),
    ...(options.trustNamedPid === true ? { trustNamedPid: true } : {}),
    ...(namedBinary !== undefined ? { namedBinary } : {}),
    ...(namedUser !== undefined ? { namedUser } : {}),
    ...(servedSerial !== undefined ? { servedSerial } : {}),
    ...(zone !== undefined ? { origin: zone } : {}),
  };
  const diagnosis = await diagnoseZoneStorage(diagnoseOptions);
  if (diagnosis.isErr()) return fail(diagnosis.error);
  const { errors } = severityCounts(diagnosis.value.findings);
  const checked = namedAccessChecked(diagnosis.value.facts);
  if (json) {
    writeJson(io, {
      ok: errors === 0 && checked,
      zone: zone ?? null,
      diagnosis: jsonDiagnosis(diagnosis.value),
      namedLog: { path: conf.log.path ?? null, source: conf.log.source, note: conf.log.note },
      error: null,
    });
  } else {
    io.stdout.write(reportText(zone, diagnosis.value));
    io.stdout.write(
      `  named log:     ${conf.log.path ?? ''}${conf.log.path ? ` (${conf.log.note})` : conf.log.note}\n`,
    );
  }
  return errors > 0 ? EXIT_PROBLEMS : checked ? EXIT_HEALTHY : EXIT_NOT_CHECKED;
}

function reportText(zone: string | undefined, diagnosis: StorageDiagnosis): string {
  const f = diagnosis.facts;
  const lines: string[] = [];
  lines.push(`zone storage diagnosis${zone ? ` of ${zone}` : ''}`);
  lines.push(`  zone file:     ${f.zoneFile}`);
  if (f.zoneFileTarget) lines.push(`  (symlink to)   ${f.zoneFileTarget}`);
  lines.push(`  journal:       ${f.journalFile}${f.journal ? '' : ' (does not exist yet)'}`);
  const who =
    f.uid === undefined
      ? 'unknown'
      : `${f.user ? `${f.user} ` : ''}uid ${f.uid} gid ${f.gid ?? '?'}${
          f.groups && f.groups.length > 0 ? ` groups ${f.groups.join(',')}` : ''
        }${f.pid !== undefined ? `, pid ${f.pid}${f.command ? ` (${f.command})` : ''}` : ''}`;
  lines.push(`  named runs as: ${who}`);
  lines.push(`  identity:      ${IDENTITY_TEXT[f.identity] ?? f.identity}`);
  if (f.identity !== 'pid' && f.identity !== 'pid-file' && f.identity !== 'detected-pid') {
    for (const note of f.identityNotes) lines.push(`                 ${note}`);
  }
  if (f.capabilities.length > 0) lines.push(`  capabilities:  ${f.capabilities.join(', ')}`);
  if (f.servedSerial !== undefined || f.fileSerial !== undefined) {
    lines.push(
      `  serial:        served ${f.servedSerial ?? '(unknown)'}, file ${f.fileSerial ?? '(unreadable)'}`,
    );
  }
  const checked = namedAccessChecked(f);
  const foreign = diagnosis.findings.some(
    (x) => x.code === 'different-file-than-named' && x.severity === 'error',
  );
  lines.push(
    `  named access:  ${
      foreign
        ? 'NOT CHECKED: the file seen here is not the one named uses'
        : checked
          ? `checked (${f.identity === 'user' ? 'as --named-user, in this process’s view' : 'as named, in named’s view'})`
          : f.identity === 'unverified'
            ? 'NOT CHECKED: the process given is not verified as named'
            : 'NOT CHECKED: named’s identity is unknown'
    }`,
  );
  let out = `${lines.join('\n')}\n`;
  if (diagnosis.findings.length === 0) {
    out += checked
      ? 'no problems found: named can write this zone file and its journal\n'
      : 'no problems found in what could be checked; named’s access here was NOT checked (its identity is unknown)\n';
    return out;
  }
  const { errors, warnings } = severityCounts(diagnosis.findings);
  out += `${diagnosis.findings.length} finding(s): ${errors} error(s), ${warnings} warning(s)\n`;
  out += findingsText(diagnosis.findings);
  if (!checked && errors === 0) {
    out +=
      'named’s access to this zone file and its journal was NOT checked (its identity is unknown or not verified): exit status 3\n';
  }
  return out;
}

async function zoneContext(
  target: {
    zone: string | undefined;
    zoneClass: string | undefined;
    view: string | undefined;
    zoneFile: string | undefined;
    namedPid: number | undefined;
  },
  namedDir: string | undefined,
  namedConf: string | undefined,
  settings: GlobalSettings,
  io: CliIo,
): Promise<Result<ZoneContext, PrintableError>> {
  const { zone } = target;
  // --zone-file alone: no control channel needed.
  if (zone === undefined || (target.zoneFile !== undefined && namedDir !== undefined)) {
    const file = target.zoneFile as string;
    return Ok({
      zone,
      zoneFile: isAbsolute(file) ? file : resolve(namedDir ?? io.cwd, file),
      servedSerial: undefined,
      directory: namedDir,
      configFile: namedConf === undefined ? undefined : resolve(io.cwd, namedConf),
      bootTime: undefined,
    });
  }
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) return Err(connection.error);
  const client = connection.value.client;
  try {
    const status = await client.zonestatus(zone, {
      ...(target.zoneClass !== undefined ? { class: target.zoneClass } : {}),
      ...(target.view !== undefined ? { view: target.view } : {}),
      signal: io.signal,
    });
    if (status.isErr()) return Err(status.error);
    const servedSerial = status.value.serial;
    // rndc status (authenticated): named.conf for the pid file, the boot time for the process.
    const server = (await client.status({ signal: io.signal })).unwrapOr(undefined);
    const configFile =
      namedConf !== undefined
        ? resolve(io.cwd, namedConf)
        : server?.configurationFile !== undefined && server.chrootDirectory === undefined
          ? server.configurationFile
          : undefined;
    const named = { configFile, bootTime: server?.bootTime };
    const configured = target.zoneFile ?? status.value.files[0];
    if (configured === undefined) {
      return Err({
        kind: 'zone-file-unknown',
        message: `${zone} has no zone file (zonestatus lists none)`,
        remedy: 'pass --zone-file PATH',
      });
    }
    if (isAbsolute(configured)) {
      return Ok({ zone, zoneFile: configured, servedSerial, directory: namedDir, ...named });
    }
    const directory = await findDirectory(namedDir, configFile, target.namedPid, io);
    if (directory.isErr()) {
      return Err({
        kind: 'zone-file-unknown',
        message: `the zone file "${configured}" is relative to named's directory, which could not be found: ${directory.error}`,
        remedy:
          'pass --named-dir DIR (named.conf options { directory }), --named-conf PATH or --zone-file PATH',
      });
    }
    verbose(io, settings, `named's directory: ${directory.value}`);
    return Ok({
      zone,
      zoneFile: resolve(directory.value, configured),
      servedSerial,
      directory: directory.value,
      ...named,
    });
  } finally {
    await client.close();
  }
}

/**
 * The zone's journal from named.conf (its `journal`, when that named.conf configures this very
 * zone file), and named's log file (the channel that gets dump errors).
 */
async function confFacts(
  context: ZoneContext,
  zoneClass: string | undefined,
  view: string | undefined,
  io: CliIo,
): Promise<ConfFacts> {
  const loaded = await loadNamedConf(context.configFile, io.signal);
  const log = await chooseNamedLog(undefined, loaded.config, loaded.problem);
  if (loaded.config === undefined || context.zone === undefined)
    return { journalFile: undefined, log };
  const zone = loaded.config.zone({
    zone: context.zone,
    ...(zoneClass !== undefined ? { class: zoneClass } : {}),
    ...(view !== undefined ? { view } : {}),
  });
  const matches =
    zone.isOk() &&
    zone.value.file !== undefined &&
    resolve(zone.value.file) === resolve(context.zoneFile);
  return { journalFile: matches ? zone.value.journal : undefined, log };
}

/** named's directory: --named-dir ▸ --named-conf ▸ the named.conf `status` names ▸ /proc/<pid>/cwd. */
async function findDirectory(
  namedDir: string | undefined,
  conf: string | undefined,
  namedPid: number | undefined,
  io: CliIo,
): Promise<Result<string, string>> {
  if (namedDir !== undefined) return Ok(resolve(io.cwd, namedDir));
  const reasons: string[] = [];
  if (conf !== undefined) {
    const found = await namedDirectory(conf);
    if (found.isOk()) return found;
    reasons.push(found.error);
  } else {
    reasons.push('rndc status did not name the configuration file');
  }
  if (namedPid !== undefined) {
    try {
      return Ok(await readlink(`/proc/${namedPid}/cwd`));
    } catch (error) {
      reasons.push(`cannot read /proc/${namedPid}/cwd: ${(error as Error).message}`);
    }
  }
  return Err(reasons.join('; '));
}
