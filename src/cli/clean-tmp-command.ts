/**
 * `rndc-js clean-tmp ZONE [class [view]] [--dry-run]`: removeStaleTmpFiles as a command — removes
 * the `tmp-XXXXXXXXXX` leftovers of failed dumps once the zone file is proven to hold the served
 * serial, and prints each entry removed or kept, with the reason. Exit 0 done, 1 files kept
 * because the zone is not proven current, a removal failed or the listing was cut short, 2 could
 * not examine.
 */
import { resolve } from 'node:path';
import { namedDirectory } from '../dump/named-config.js';
import {
  removeStaleTmpFiles,
  type TmpCleanReport,
  type TmpFileOutcome,
  type TmpKeptReason,
} from '../dump/tmp-clean.js';
import { type GlobalSettings, optionText, parseArgs } from './args.js';
import { connectFromSettings, verbose } from './connect.js';
import type { CliIo } from './io.js';
import {
  EXIT_INTERRUPTED,
  formatError,
  isoOrNull,
  jsonError,
  type PrintableError,
  printInterrupted,
  writeJson,
} from './output.js';
import { usageError } from './usage.js';

/** Exit statuses of `clean-tmp`. */
export const EXIT_CLEANED = 0;
export const EXIT_KEPT = 1;
export const EXIT_UNEXAMINED = 2;

const CLEAN_TMP_OPTIONS = [
  { long: 'dry-run', key: 'dryRun' },
  { long: 'json' },
  { long: 'zone-file', value: true, key: 'zoneFile' },
  { long: 'named-dir', value: true, key: 'namedDir' },
  { long: 'named-conf', value: true, key: 'namedConf' },
] as const;

/** Kept for these reasons, the leftovers are not dealt with: exit 1. */
const UNRESOLVED: ReadonlySet<TmpKeptReason> = new Set([
  'zone-not-current',
  'changed',
  'remove-failed',
  'not-examined',
]);

/** `clean-tmp …`; `args` are the words after `clean-tmp`. */
export async function cleanTmpCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, CLEAN_TMP_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'clean-tmp');
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  const dryRun = options.dryRun === true;
  const [zone, zoneClass, view, ...extra] = operands;
  if (zone === undefined)
    return usageError(io, 'clean-tmp needs a zone: clean-tmp ZONE', 'clean-tmp');
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, 'clean-tmp');
  const text = (key: string) => optionText(options, key);

  const fail = (error: PrintableError): number => {
    if (json) writeJson(io, { ok: false, zone, dryRun, report: null, error: jsonError(error) });
    else io.stderr.write(formatError(error, 'clean-tmp'));
    return EXIT_UNEXAMINED;
  };
  let directory = text('namedDir');
  const namedConf = text('namedConf');
  if (directory === undefined && namedConf !== undefined) {
    const found = await namedDirectory(resolve(io.cwd, namedConf));
    if (found.isErr()) {
      return fail({
        kind: 'zone-file-unknown',
        message: `cannot find named's directory: ${found.error}`,
        remedy: 'pass --named-dir DIR (named.conf options { directory })',
      });
    }
    directory = found.value;
  }
  const zoneFile = text('zoneFile');
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) return fail(connection.error);
  const { client, server } = connection.value;
  verbose(io, settings, `clean-tmp ${zone} via ${server}${dryRun ? ' (dry run)' : ''}`);
  let result: Awaited<ReturnType<typeof removeStaleTmpFiles>>;
  try {
    result = await removeStaleTmpFiles({
      rndc: client,
      zone,
      ...(zoneClass !== undefined ? { class: zoneClass } : {}),
      ...(view !== undefined ? { view } : {}),
      ...(zoneFile !== undefined ? { zoneFile: resolve(directory ?? io.cwd, zoneFile) } : {}),
      ...(directory !== undefined ? { directory: resolve(io.cwd, directory) } : {}),
      dryRun,
      timeoutMs: settings.timeoutMs,
      signal: io.signal,
    });
  } finally {
    await client.close();
  }
  if (result.isErr()) {
    if (io.signal.aborted && !json) {
      return printInterrupted(
        io,
        `clean-tmp of ${zone} stopped (files already removed stay removed)`,
      );
    }
    const status = fail(result.error);
    return io.signal.aborted ? EXIT_INTERRUPTED : status;
  }
  const report = result.value;
  const unresolved =
    report.listingIncomplete ||
    report.files.some(
      (f) => f.verdict === 'kept' && f.reason !== undefined && UNRESOLVED.has(f.reason),
    );
  const status = unresolved ? EXIT_KEPT : EXIT_CLEANED;
  if (json) {
    writeJson(io, {
      ok: status === EXIT_CLEANED,
      zone,
      dryRun,
      report: jsonReport(report),
      error: null,
    });
  } else {
    io.stdout.write(reportText(report));
  }
  return status;
}

const VERDICT_TEXT: Record<TmpFileOutcome['verdict'], string> = {
  removed: 'removed',
  'would-remove': 'would remove',
  kept: 'kept',
};

function reportText(r: TmpCleanReport): string {
  const lines: string[] = [];
  lines.push(`leftover tmp files of ${r.zone}${r.dryRun ? ' (dry run: nothing removed)' : ''}`);
  lines.push(`  zone file:  ${r.zoneFile}`);
  lines.push(
    `  serial:     served ${r.servedSerial}, file ${r.fileSerial ?? '(unreadable)'}: ${r.current ? 'current' : 'NOT PROVEN CURRENT'}`,
  );
  lines.push(`  proof:      ${r.currentDetail}`);
  if (r.files.length === 0) {
    lines.push(`no tmp-XXXXXXXXXX files in ${r.zoneDir}`);
    return `${lines.join('\n')}\n`;
  }
  for (const f of r.files) {
    const facts = [
      ...(f.mtime ? [f.mtime.toISOString()] : []),
      ...(f.size !== undefined ? [`${f.size} B`] : []),
    ].join(', ');
    lines.push(
      `  ${VERDICT_TEXT[f.verdict].padEnd(12)} ${f.name}${facts ? ` (${facts})` : ''}${f.reason ? ` [${f.reason}]` : ''}: ${f.detail}`,
    );
  }
  if (r.listingIncomplete) {
    lines.push(
      `  the listing of ${r.zoneDir} stopped early (too many entries or the deadline): run again`,
    );
  }
  const removed = r.dryRun ? `${r.removed} would be removed` : `${r.removed} removed`;
  lines.push(`${removed}, ${r.kept} kept`);
  if (!r.current && r.files.length > 0) {
    lines.push(
      'nothing is removed until the zone file holds what named serves: the newest tmp file may be the only complete copy of the zone',
    );
  }
  return `${lines.join('\n')}\n`;
}

function jsonReport(r: TmpCleanReport) {
  return {
    zone: r.zone,
    zoneFile: r.zoneFile,
    zoneDir: r.zoneDir,
    servedSerial: r.servedSerial,
    fileSerial: r.fileSerial ?? null,
    zoneFileWritten: isoOrNull(r.zoneFileWritten),
    current: r.current,
    currentDetail: r.currentDetail,
    removed: r.removed,
    kept: r.kept,
    listingIncomplete: r.listingIncomplete,
    files: r.files.map((f) => ({
      name: f.name,
      path: f.path,
      verdict: f.verdict,
      reason: f.reason ?? null,
      detail: f.detail,
      type: f.type,
      size: f.size ?? null,
      mtime: isoOrNull(f.mtime),
      serial: f.serial ?? null,
    })),
  };
}
