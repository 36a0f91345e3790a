/**
 * `rndc-js recover ZONE [class [view]]`: write what named serves for ZONE to a new file and prove
 * it (recoverZone): the newest tmp file with the served serial, else an AXFR from named. Exit 0
 * with the path and the next steps; 1 when nothing proven could be written.
 */
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { namedDirectory } from '../dump/named-config.js';
import { type RecoveredZone, type RecoverSource, recoverZone } from '../recover/recover.js';
import {
  type GlobalSettings,
  optionText,
  parseArgs,
  parseSeconds,
  parseWholeNumber,
} from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, jsonError, type PrintableError, writeJson } from './output.js';
import { type JsonUpdateWarning, loadKey, Y_WARNING } from './update.js';
import { usageError } from './usage.js';

const RECOVER_OPTIONS = [
  { long: 'json' },
  { long: 'out', short: 'o', value: true, key: 'out' },
  { long: 'from', value: true, key: 'from' },
  { short: 'k', value: true, key: 'keyFile' },
  { short: 'y', value: true, key: 'keyString' },
  { long: 'dns-server', value: true, key: 'dnsServer' },
  { long: 'dns-port', value: true, key: 'dnsPort' },
  { long: 'named-dir', value: true, key: 'namedDir' },
  { long: 'named-conf', value: true, key: 'namedConf' },
  { long: 'zone-file', value: true, key: 'zoneFile' },
  { long: 'journal', value: true, key: 'journal' },
  { long: 'checkzone', value: true, key: 'checkzone' },
  { long: 'no-checkzone', key: 'noCheckzone' },
  { long: 'wait', value: true, key: 'wait' },
] as const;

/** `recover ZONE …`; `args` are the words after `recover`. */
export async function recoverCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, RECOVER_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'recover');
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  const text = (key: string) => optionText(options, key);
  const [zone, zoneClass, view, ...extra] = operands;
  if (zone === undefined) return usageError(io, 'recover needs a zone: recover ZONE', 'recover');
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, 'recover');
  const from = text('from') ?? 'auto';
  if (from !== 'auto' && from !== 'tmp' && from !== 'axfr') {
    return usageError(io, `--from '${from}': use auto, tmp or axfr`, 'recover');
  }
  if (text('keyFile') !== undefined && text('keyString') !== undefined) {
    return usageError(io, 'cannot specify both -k and -y', 'recover');
  }
  const dnsServer = text('dnsServer') ?? '127.0.0.1';
  if (isIP(dnsServer) === 0) {
    return usageError(io, `--dns-server '${dnsServer}' is not an IP address`, 'recover');
  }
  const dnsPortText = text('dnsPort');
  const dnsPort = dnsPortText === undefined ? 53 : parseWholeNumber(dnsPortText, 1, 65535);
  if (dnsPort === undefined) return usageError(io, `bad port number '${dnsPortText}'`, 'recover');
  const waitText = text('wait');
  const waitSeconds = waitText === undefined ? 120 : parseSeconds(waitText);
  if (waitSeconds === undefined) {
    return usageError(io, `--wait '${waitText}' is not a number of seconds`, 'recover');
  }
  if (options.noCheckzone === true && text('checkzone') !== undefined) {
    return usageError(io, 'cannot combine --checkzone with --no-checkzone', 'recover');
  }

  const fail = (error: PrintableError): number => {
    if (json) writeJson(io, document(zone, undefined, error, []));
    else io.stderr.write(formatError(error, 'recover'));
    return 1;
  };
  const warnings: JsonUpdateWarning[] = [];
  const key = await loadKey(
    { keyFile: text('keyFile'), keyString: text('keyString'), local: false },
    io,
    warnings,
  );
  if (key.isErr()) return fail(key.error);
  if (text('keyString') !== undefined)
    warnings.push({ kind: 'secret-on-command-line', line: null, message: Y_WARNING });
  if (!json)
    for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);

  let directory = text('namedDir');
  const namedConf = text('namedConf');
  if (directory === undefined && namedConf !== undefined) {
    const found = await namedDirectory(namedConf);
    if (found.isErr()) {
      return fail({
        kind: 'zone-state',
        message: `cannot find named's directory: ${found.error}`,
        remedy: 'pass --named-dir DIR (named.conf options { directory })',
      });
    }
    directory = found.value;
  }
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) return fail(connection.error);
  const { client, server } = connection.value;
  verbose(
    io,
    settings,
    `recover ${zone}: zonestatus via ${server}, AXFR from ${dnsServer}#${dnsPort}`,
  );
  const checkzoneText = text('checkzone');
  const zoneFile = text('zoneFile');
  const journal = text('journal');
  const out = text('out');
  let result: Awaited<ReturnType<typeof recoverZone>>;
  try {
    result = await recoverZone({
      rndc: client,
      zone,
      ...(zoneClass !== undefined ? { class: zoneClass } : {}),
      ...(view !== undefined ? { view } : {}),
      ...(directory !== undefined ? { directory: resolve(io.cwd, directory) } : {}),
      ...(zoneFile !== undefined ? { zoneFile: resolve(io.cwd, zoneFile) } : {}),
      ...(journal !== undefined ? { journal: resolve(io.cwd, journal) } : {}),
      ...(out !== undefined ? { output: resolve(io.cwd, out) } : { outDir: io.cwd }),
      source: from as RecoverSource,
      transfer: { host: dnsServer, port: dnsPort, key: key.value },
      ...(options.noCheckzone === true
        ? { checkzone: false as const }
        : checkzoneText !== undefined
          ? { checkzone: resolve(io.cwd, checkzoneText) }
          : {}),
      timeoutMs: Math.round(waitSeconds * 1000),
      signal: io.signal,
    });
  } finally {
    await client.close();
  }
  if (result.isErr()) {
    if (json) {
      writeJson(io, document(zone, undefined, result.error, warnings));
      return 1;
    }
    return fail(result.error);
  }
  const recovered = result.value;
  if (json) writeJson(io, document(zone, recovered, null, warnings));
  else io.stdout.write(recoveredText(recovered));
  return 0;
}

/** The human report: what was written, the proof, the next steps. */
export function recoveredText(r: RecoveredZone): string {
  const source =
    r.source.kind === 'tmp'
      ? `copy of ${r.source.file} (named's failed dump, modified ${r.source.mtime.toISOString()}; left in place)`
      : `AXFR from ${r.source.server}: ${r.source.records} records in ${r.source.messages} message(s), ${r.source.signed ? 'every message TSIG-verified' : 'unsigned'}`;
  const check =
    r.checkzone.verdict === 'passed'
      ? `passed (${r.checkzone.program}: ${r.checkzone.output.split('\n')[0]})`
      : r.checkzone.verdict === 'not-run'
        ? `not run: ${r.checkzone.reason}`
        : 'failed';
  const fileSerial =
    r.zoneFileSerial === undefined
      ? 'unreadable'
      : r.zoneFileSerial === r.servedSerial
        ? `${r.zoneFileSerial} (already current)`
        : `${r.zoneFileSerial} (behind the served serial: named has not written its changes)`;
  const lines = [
    `recovered ${r.zone} serial ${r.serial} to ${r.path}`,
    `  source:          ${source}`,
    `  served serial:   ${r.servedSerial} (rndc zonestatus) = serial of the copy`,
    `  format:          ${r.format}, ${r.bytes} bytes`,
    `  named-checkzone: ${check}`,
    `  zone file:       ${r.zoneFile} (untouched), serial ${fileSerial}`,
    'next steps:',
    ...r.nextSteps.map((step, i) => `  ${i + 1}. ${step}`),
  ];
  return `${lines.join('\n')}\n`;
}

function document(
  zone: string,
  r: RecoveredZone | undefined,
  error: PrintableError | null,
  warnings: readonly JsonUpdateWarning[],
) {
  return {
    ok: error === null,
    command: 'recover',
    zone,
    path: r?.path ?? null,
    source: r
      ? r.source.kind === 'tmp'
        ? { kind: 'tmp', file: r.source.file, mtime: r.source.mtime.toISOString() }
        : { ...r.source }
      : null,
    serial: r?.serial ?? null,
    servedSerial: r?.servedSerial ?? null,
    zoneFile: r?.zoneFile ?? null,
    zoneFileSerial: r?.zoneFileSerial ?? null,
    format: r?.format ?? null,
    bytes: r?.bytes ?? null,
    checkzone: r ? r.checkzone : null,
    skipped: r ? [...r.skipped] : [],
    nextSteps: r ? [...r.nextSteps] : [],
    warnings: warnings.map((w) => w.message),
    error: error === null ? null : jsonError(error),
  };
}
