/**
 * `rndc-js transfer ZONE [-s SERVER] [-p PORT] [-k KEYFILE|-y KEY] [--ixfr SERIAL]
 * [--format zone|json]`: a zone transfer from a DNS server, printed as a zone file (named-checkzone
 * accepts it) or as JSON (docs/cli.md). AXFR streams: records are printed as they are verified,
 * in constant memory; a failed transfer ends with a `; INCOMPLETE` line and exit status 1.
 */
import { isIP } from 'node:net';
import { classToText, formatRdata, typeToText } from '../update/rdata.js';
import type { AxfrError, AxfrRecord } from '../xfr/axfr.js';
import { recordText } from '../xfr/axfr.js';
import { transferIncremental } from '../xfr/ixfr.js';
import type { IxfrResult } from '../xfr/reader.js';
import { type TransferOptions, transfer, zoneFileHeader } from '../xfr/transfer.js';
import { type GlobalSettings, optionText, parseArgs, parseWholeNumber } from './args.js';
import { type CliIo, PROGRAM, type TextSink } from './io.js';
import { formatError, jsonError, writeJson } from './output.js';
import { type JsonUpdateWarning, loadKey, Y_WARNING } from './update.js';
import { usageError } from './usage.js';

const TRANSFER_OPTIONS = [
  { long: 'json' },
  { short: 's', long: 'server', value: true, key: 'server' },
  { short: 'p', long: 'port', value: true, key: 'port' },
  { short: 'k', value: true, key: 'keyFile' },
  { short: 'y', value: true, key: 'keyString' },
  { long: 'ixfr', value: true, key: 'ixfr' },
  { long: 'format', value: true, key: 'format' },
] as const;

/** One record in the JSON output. */
export interface JsonRecord {
  readonly name: string;
  readonly ttl: number;
  readonly class: string;
  readonly type: string;
  /** RDATA in presentation format, as in a zone file. */
  readonly data: string;
}

function jsonRecord(r: AxfrRecord): JsonRecord {
  return {
    name: r.name.toString(),
    ttl: r.ttl,
    class: classToText(r.class),
    type: typeToText(r.type),
    data: formatRdata(r.type, r.rdata, undefined, r.class),
  };
}

/** Writes and, when the sink says its buffer is full, waits for it to drain. */
async function write(sink: TextSink, text: string): Promise<void> {
  const ok = sink.write(text);
  const emitter = sink as unknown as { once?: (event: string, fn: () => void) => void };
  if (ok === false && typeof emitter.once === 'function') {
    await new Promise<void>((resolve) => emitter.once!('drain', resolve));
  }
}

/** `transfer ZONE …`; `args` are the words after `transfer`. */
export async function transferCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, TRANSFER_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'transfer');
  const { options, operands } = parsed.value;
  const text = (k: string) => optionText(options, k);
  const [zone, ...extra] = operands;
  if (zone === undefined) return usageError(io, 'transfer needs a zone: transfer ZONE', 'transfer');
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, 'transfer');
  const format = text('format') ?? (settings.json || options.json === true ? 'json' : 'zone');
  if (format !== 'zone' && format !== 'json')
    return usageError(io, `--format '${format}': use zone or json`, 'transfer');
  const server = text('server') ?? '127.0.0.1';
  if (isIP(server) === 0)
    return usageError(io, `server '${server}' is not an IP address`, 'transfer');
  const portText = text('port');
  const port = portText === undefined ? 53 : parseWholeNumber(portText, 1, 65535);
  if (port === undefined) return usageError(io, `bad port number '${portText}'`, 'transfer');
  const ixfrText = text('ixfr');
  const serial = ixfrText === undefined ? undefined : parseWholeNumber(ixfrText, 0, 0xffffffff);
  if (ixfrText !== undefined && serial === undefined)
    return usageError(io, `--ixfr '${ixfrText}' is not a serial (0-4294967295)`, 'transfer');
  if (text('keyFile') !== undefined && text('keyString') !== undefined)
    return usageError(io, 'cannot specify both -k and -y', 'transfer');

  const json = format === 'json';
  const warnings: JsonUpdateWarning[] = [];
  const key = await loadKey(
    { keyFile: text('keyFile'), keyString: text('keyString'), local: false },
    io,
    warnings,
  );
  if (key.isErr()) {
    if (json) writeJson(io, failure(zone, key.error));
    else io.stderr.write(formatError(key.error, 'transfer'));
    return 1;
  }
  if (text('keyString') !== undefined)
    warnings.push({ kind: 'secret-on-command-line', line: null, message: Y_WARNING });
  for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);

  const common: TransferOptions = {
    server,
    port,
    key: key.value,
    signal: io.signal,
    timeoutMs: settings.timeoutMs,
  };
  if (serial !== undefined) {
    const result = await transferIncremental(zone, { ...common, serial });
    if (result.isErr()) return reportError(io, json, zone, result.error);
    if (json) writeJson(io, ixfrJson(result.value));
    else await write(io.stdout, incrementalText(result.value));
    return 0;
  }
  return axfr(zone, common, json, io);
}

async function axfr(zone: string, options: TransferOptions, json: boolean, io: CliIo) {
  const t = transfer(zone, options);
  let count = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await write(io.stdout, json ? batch.join('') : `${batch.join('\n')}\n`);
    batch = [];
  };
  if (json)
    await write(io.stdout, `{"command":"transfer","zone":${JSON.stringify(zone)},"records":[`);
  for await (const record of t) {
    if (json) batch.push(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(jsonRecord(record))}`);
    else {
      if (count === 0) batch.push(`$ORIGIN ${record.name.toString()}`);
      batch.push(recordText(record));
    }
    if (++count % 512 === 0) await flush();
  }
  await flush();
  const done = await t.done;
  if (json) {
    const tail = done.isOk()
      ? {
          ok: true,
          kind: 'full',
          serial: done.value.serial,
          summary: summaryJson(done.value),
          error: null,
        }
      : { ok: false, kind: null, serial: null, summary: null, error: jsonError(done.error) };
    await write(io.stdout, `\n],${JSON.stringify(tail).slice(1)}\n`);
    if (done.isErr()) io.stderr.write(formatError(done.error, 'transfer'));
    return done.isOk() ? 0 : 1;
  }
  if (done.isErr()) {
    if (count > 0)
      await write(
        io.stdout,
        `; INCOMPLETE: the transfer failed after ${count} records: ${done.error.message}\n`,
      );
    io.stderr.write(formatError(done.error, 'transfer'));
    return 1;
  }
  await write(io.stdout, zoneFileHeader(done.value).split('\n')[0]!.concat('\n'));
  return 0;
}

function summaryJson(s: {
  server: string;
  records: number;
  messages: number;
  bytes: number;
  signed: boolean;
}) {
  return {
    server: s.server,
    records: s.records,
    messages: s.messages,
    bytes: s.bytes,
    signed: s.signed,
  };
}

function failure(zone: string, error: { kind?: string; message: string }) {
  return { command: 'transfer', zone, ok: false, kind: null, error: jsonError(error) };
}

async function reportError(io: CliIo, json: boolean, zone: string, error: AxfrError) {
  if (json) writeJson(io, failure(zone, error));
  io.stderr.write(formatError(error, 'transfer'));
  return 1;
}

/** The JSON document of an IXFR. */
export function ixfrJson(r: IxfrResult) {
  const base = { command: 'transfer', zone: r.zone.toString(), ok: true, kind: r.kind };
  const summary = summaryJson({ ...r, records: 0 });
  switch (r.kind) {
    case 'up-to-date':
      return {
        ...base,
        serial: r.serial,
        requestedSerial: r.requestedSerial,
        serverBehind: r.serverBehind,
        summary,
        error: null,
      };
    case 'full':
      return {
        ...base,
        serial: r.serial,
        records: r.records.map(jsonRecord),
        summary: { ...summary, records: r.records.length },
        error: null,
      };
    case 'incremental':
      return {
        ...base,
        fromSerial: r.fromSerial,
        toSerial: r.toSerial,
        deltas: r.deltas.map((d) => ({
          fromSerial: d.fromSerial,
          toSerial: d.toSerial,
          deleted: [d.fromSoa, ...d.deleted].map(jsonRecord),
          added: [d.toSoa, ...d.added].map(jsonRecord),
        })),
        summary,
        error: null,
      };
  }
}

/** The text form of an IXFR: `del`/`add` lines as named-journalprint prints a journal. */
function incrementalText(r: IxfrResult): string {
  switch (r.kind) {
    case 'up-to-date':
      return `; ${r.zone.toString()}: up to date (server serial ${r.serial}, ours ${r.requestedSerial}${r.serverBehind ? ': the server is behind' : ''})\n`;
    case 'full':
      return `; ${r.zone.toString()} serial ${r.serial}: the server sent the whole zone (AXFR-style answer to IXFR)\n$ORIGIN ${r.zone.toString()}\n${r.records.map(recordText).join('\n')}\n`;
    case 'incremental': {
      const lines = [
        `; ${r.zone.toString()}: ${r.deltas.length} difference(s) from serial ${r.fromSerial} to ${r.toSerial}${r.signed ? ', every message TSIG-verified' : ''}`,
      ];
      for (const d of r.deltas) {
        lines.push(`; serial ${d.fromSerial} -> ${d.toSerial}`);
        for (const x of [d.fromSoa, ...d.deleted]) lines.push(`del ${recordText(x)}`);
        for (const x of [d.toSoa, ...d.added]) lines.push(`add ${recordText(x)}`);
      }
      return `${lines.join('\n')}\n`;
    }
  }
}
