/**
 * Fleet mode: `rndc-js -s a -s b … COMMAND` (several -s) or `rndc-js --fleet FILE COMMAND` sends
 * the command to every server through {@link RndcFleet}: at most `--concurrency` at a time, each
 * within `-t` seconds. Prints one section per server and a summary line; exit 0 when every server
 * succeeded, 1 when any failed (docs/cli.md "Fleet commands").
 *
 * Each server is configured as rndc would be for it alone: `-s NAME` is a server of rndc.conf
 * (its key, port, addresses) or a host, `HOST:PORT` / `[V6]:PORT` overrides the port, and the
 * global -c/-k/-y/-p/-b apply to every server. A fleet file is JSON (see {@link FleetFileEntry}).
 */
import { dirname, resolve } from 'node:path';
import type { DumpedResponse, VerifyDumpOptions } from '../control/client.js';
import { RndcClient } from '../control/client.js';
import type { RndcResponse } from '../control/errors.js';
import { renderLikeRndc } from '../control/render.js';
import type { DumpError } from '../dump/errors.js';
import type { DumpEvidence } from '../dump/verify.js';
import type { ConfigError } from '../errors.js';
import { describeFileProblem, readRegularFile } from '../files/regular-file.js';
import type { FleetClient, FleetResult } from '../fleet/fleet.js';
import { RndcFleet } from '../fleet/fleet.js';
import { Err, Ok, type Result } from '../result.js';
import { type GlobalSettings, parseArgs, parseSeconds, parseWholeNumber } from './args.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, jsonError, jsonReply, writeJson } from './output.js';
import { evidenceText, jsonEvidence } from './report.js';
import { usageError } from './usage.js';

/** Largest fleet file read (1 MiB): a list of servers, not a database. */
const MAX_FLEET_FILE_BYTES = 1024 * 1024;
/** Most servers in one fleet. */
const MAX_FLEET_SERVERS = 1000;

/** One server of a fleet file. Relative paths are relative to the fleet file's directory. */
export interface FleetFileEntry {
  /** How the server is called in the output. Default: `host`, then `host#port`. */
  readonly name?: string;
  /** A server of rndc.conf, or a host name or address (rndc's `-s`). */
  readonly host: string;
  /** Control port (rndc's `-p`). */
  readonly port?: number;
  /** rndc.conf for this server (rndc's `-c`). */
  readonly configFile?: string;
  /** Key file for this server, without rndc.conf (rndc's `-k`). */
  readonly keyFile?: string;
  /** Key of rndc.conf to use (rndc's `-y`). */
  readonly keyName?: string;
  /** For `--verify` on this server: named's log, directory, named.conf, pid, zone file. */
  readonly namedLog?: string;
  readonly namedDir?: string;
  readonly namedConf?: string;
  readonly namedPid?: number;
  readonly zoneFile?: string;
}

const ENTRY_FIELDS = new Set([
  'name',
  'host',
  'port',
  'configFile',
  'keyFile',
  'keyName',
  'namedLog',
  'namedDir',
  'namedConf',
  'namedPid',
  'zoneFile',
]);

/** Parses a fleet file's text: `{ "servers": [entry…] }` or `[entry…]`. Errors are messages. */
export function parseFleetFile(text: string): Result<FleetFileEntry[], string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return Err(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const list = Array.isArray(document)
    ? document
    : (document as { servers?: unknown } | null)?.servers;
  if (!Array.isArray(list)) return Err('expected a list of servers, or { "servers": [...] }');
  if (list.length === 0) return Err('the fleet has no servers');
  if (list.length > MAX_FLEET_SERVERS) return Err(`more than ${MAX_FLEET_SERVERS} servers`);
  const entries: FleetFileEntry[] = [];
  for (const [index, item] of list.entries()) {
    const where = `server ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      return Err(`${where}: expected an object`);
    }
    const record = item as Record<string, unknown>;
    const unknown = Object.keys(record).find((key) => !ENTRY_FIELDS.has(key));
    if (unknown !== undefined) return Err(`${where}: unknown field "${unknown}"`);
    for (const key of ENTRY_FIELDS) {
      const value = record[key];
      if (value === undefined) continue;
      const numeric = key === 'port' || key === 'namedPid';
      if (numeric ? !Number.isInteger(value) : typeof value !== 'string' || value === '') {
        return Err(`${where}: "${key}" must be ${numeric ? 'an integer' : 'a non-empty string'}`);
      }
    }
    if (record.host === undefined) return Err(`${where}: "host" is missing`);
    if (
      record.port !== undefined &&
      ((record.port as number) < 1 || (record.port as number) > 65535)
    ) {
      return Err(`${where}: port ${String(record.port)} out of range`);
    }
    entries.push(record as unknown as FleetFileEntry);
  }
  return Ok(entries);
}

/**
 * `-s` text: `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address. The port, when given, must
 * be 1-65535.
 */
export function parseServerOption(text: string): Result<{ host: string; port?: number }, string> {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const colon = /^([^:]*):(\d+)$/.exec(text);
  const host = bracket?.[1] ?? colon?.[1] ?? text;
  const portText = bracket?.[2] ?? colon?.[2];
  if (host === '') return Err(`server '${text}' has no host`);
  if (portText === undefined) return Ok({ host });
  const port = parseWholeNumber(portText, 1, 65535);
  return port === undefined ? Err(`port in '${text}' out of range`) : Ok({ host, port });
}

/** Where the fleet's servers come from. */
export interface FleetSource {
  /** The -s values, in order (fleet mode when more than one). */
  readonly servers: readonly string[];
  /** `--fleet FILE`. */
  readonly fleetFile?: string;
  /** `--concurrency N`. */
  readonly concurrency?: string;
}

interface Planned {
  readonly entry: FleetFileEntry;
  readonly baseDir: string;
}

/** Runs `word rest…` on every server of the fleet; returns the exit status. */
export async function fleetCommand(
  word: string,
  rest: readonly string[],
  settings: GlobalSettings,
  source: FleetSource,
  io: CliIo,
): Promise<number> {
  if (source.fleetFile !== undefined && source.servers.length > 0) {
    return usageError(io, '--fleet and -s do not go together (list every server in the file)');
  }
  const concurrency =
    source.concurrency === undefined ? 8 : parseWholeNumber(source.concurrency, 1, 1000);
  if (concurrency === undefined) {
    return usageError(io, `--concurrency '${source.concurrency}' must be 1-1000`);
  }
  const planned = await plan(source, io);
  if (planned.isErr()) return usageError(io, planned.error);
  const command = parseFleetCommand(word, rest, settings);
  if (command.isErr()) return usageError(io, command.error);
  const { json, verify, zone, args } = command.value;

  const clients: FleetClient[] = [];
  const fail = async (error: ConfigError, name: string) => {
    await Promise.all(clients.map((c) => c.client.close()));
    if (json) writeJson(io, { ok: false, command: word, error: jsonError(error) });
    else io.stderr.write(formatError(error, name));
    return 1;
  };
  for (const { entry, baseDir } of planned.value) {
    const own = entry.configFile !== undefined || entry.keyFile !== undefined;
    const configFile = own ? entry.configFile : settings.configFile;
    const keyFile = own ? entry.keyFile : settings.keyFile;
    const keyName = entry.keyName ?? settings.keyName;
    const port = entry.port ?? settings.port;
    const client = await RndcClient.fromConfig({
      server: entry.host,
      baseDir,
      ...(configFile !== undefined ? { configFile: resolve(baseDir, configFile) } : {}),
      ...(keyFile !== undefined ? { keyFile: resolve(baseDir, keyFile) } : {}),
      ...(keyName !== undefined ? { keyName } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(settings.sourceAddress !== undefined ? { sourceAddress: settings.sourceAddress } : {}),
      client: { maxConnections: 1, timeoutMs: settings.timeoutMs },
    });
    const name =
      entry.name ?? (entry.port === undefined ? entry.host : `${entry.host}#${entry.port}`);
    if (client.isErr()) return fail(client.error, name);
    for (const warning of client.value.warnings) {
      io.stderr.write(`${PROGRAM}: warning: ${name}: ${warning}\n`);
    }
    if (settings.verbose)
      io.stderr.write(`${PROGRAM}: ${name}: using server ${client.value.server}\n`);
    const verify = verifyHints(entry, baseDir);
    clients.push({ name, client: client.value, ...(verify ? { verify } : {}) });
  }

  await using fleet = RndcFleet.connect({
    servers: clients,
    concurrency,
    timeoutMs: settings.timeoutMs,
    signal: io.signal,
  });
  const result: FleetResult<RndcResponse | DumpedResponse, unknown> =
    verify !== undefined && zone !== undefined
      ? await (word === 'sync' ? fleet.sync : fleet.freeze).call(fleet, zone, {
          verify,
          ...zoneParts(args),
        })
      : await fleet.run([word, ...args].join(' '));
  if (json) {
    writeJson(io, fleetDocument(word, result));
  } else {
    io.stdout.write(fleetText(result, settings));
  }
  return result.ok ? 0 : 1;
}

function zoneParts(args: readonly string[]): { class?: string; view?: string } {
  const [, klass, view] = args;
  return {
    ...(klass !== undefined ? { class: klass } : {}),
    ...(view !== undefined ? { view } : {}),
  };
}

/** The fleet's servers: the -s values, or the fleet file's entries. */
async function plan(source: FleetSource, io: CliIo): Promise<Result<Planned[], string>> {
  if (source.fleetFile === undefined) {
    const planned: Planned[] = [];
    for (const text of source.servers) {
      const parsed = parseServerOption(text);
      if (parsed.isErr()) return parsed;
      planned.push({
        entry: {
          name: text,
          host: parsed.value.host,
          ...(parsed.value.port ? { port: parsed.value.port } : {}),
        },
        baseDir: io.cwd,
      });
    }
    return Ok(planned);
  }
  const path = resolve(io.cwd, source.fleetFile);
  const read = await readRegularFile(path, {
    maxBytes: MAX_FLEET_FILE_BYTES,
    deadline: Date.now() + 5000,
    signal: io.signal,
  });
  if (read.isErr()) return Err(`fleet file ${describeFileProblem(read.error)}`);
  const entries = parseFleetFile(read.value.bytes.toString('utf8'));
  if (entries.isErr()) return Err(`fleet file ${path}: ${entries.error}`);
  return Ok(entries.value.map((entry) => ({ entry, baseDir: dirname(path) })));
}

function verifyHints(entry: FleetFileEntry, baseDir: string): VerifyDumpOptions | undefined {
  const path = (p: string | undefined) => (p === undefined ? undefined : resolve(baseDir, p));
  const hints: Record<string, string | number | undefined> = {
    log: path(entry.namedLog),
    directory: path(entry.namedDir),
    namedConf: path(entry.namedConf),
    zoneFile: path(entry.zoneFile),
    namedPid: entry.namedPid,
  };
  const set = Object.entries(hints).filter(([, value]) => value !== undefined);
  return set.length === 0 ? undefined : (Object.fromEntries(set) as VerifyDumpOptions);
}

interface FleetCommandLine {
  readonly json: boolean;
  /** Set for `sync|freeze ZONE --verify`. */
  readonly verify?: VerifyDumpOptions;
  readonly zone?: string;
  /** The command's arguments (without --json, --verify, --wait). */
  readonly args: readonly string[];
}

/**
 * The command's own words: `--json` anywhere; for sync/freeze, `--verify` and `--wait SECONDS`
 * (the per-server proof budget). Per-server verify hints come from the fleet file only.
 */
function parseFleetCommand(
  word: string,
  rest: readonly string[],
  settings: GlobalSettings,
): Result<FleetCommandLine, string> {
  if (word !== 'sync' && word !== 'freeze') {
    const json = settings.json || rest.includes('--json');
    return Ok({ json, args: rest.filter((arg) => arg !== '--json') });
  }
  if (rest.includes('-clean') || rest.includes('--clean')) {
    return Err('sync -clean is not sent to a fleet: run it per server (it verifies first)');
  }
  const parsed = parseArgs(rest, [
    { long: 'verify' },
    { long: 'json' },
    { long: 'wait', value: true },
  ]);
  if (parsed.isErr()) return Err(`${word}: ${parsed.error}`);
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  if (options.verify !== true) {
    if (options.wait !== undefined) return Err(`${word}: --wait goes with --verify`);
    return Ok({ json, args: operands });
  }
  const zone = operands[0];
  if (zone === undefined) return Err(`${word} --verify needs a zone`);
  let verify: VerifyDumpOptions = {};
  if (typeof options.wait === 'string') {
    const seconds = parseSeconds(options.wait);
    if (seconds === undefined) return Err(`--wait '${options.wait}' is not a number of seconds`);
    verify = { timeoutMs: seconds * 1000 };
  }
  return Ok({ json, verify, zone, args: operands });
}

type AnyError = { kind?: string; message: string; causes?: readonly string[]; remedy?: string };

function replyOf(value: unknown): RndcResponse | undefined {
  return typeof value === 'object' && value !== null && 'command' in value
    ? (value as RndcResponse)
    : undefined;
}

function dumpOf(value: unknown): DumpEvidence | undefined {
  const candidate = (value as { dump?: DumpEvidence; evidence?: DumpEvidence } | undefined) ?? {};
  return candidate.dump ?? candidate.evidence;
}

/** One section per server, then the summary. */
function fleetText(result: FleetResult<unknown, unknown>, settings: GlobalSettings): string {
  const lines: string[] = [];
  for (const r of result.results) {
    const head = r.name === r.server ? r.name : `${r.name} (${r.server})`;
    if (r.result.isOk()) {
      lines.push(`${head}: ok`);
      const reply = replyOf(r.result.value);
      if (reply) {
        const out = renderLikeRndc(reply, {
          quiet: settings.quiet,
          showResult: settings.showResult,
          program: PROGRAM,
        });
        for (const line of out.stdout.split('\n').filter((l) => l !== '')) lines.push(`  ${line}`);
      }
      const dump = dumpOf(r.result.value);
      if (dump) lines.push(...indent(evidenceText(dump)));
      continue;
    }
    const error = r.result.error as AnyError;
    lines.push(`${head}: failed (${error.kind ?? 'error'})`);
    lines.push(...indent(formatError(error).replace(`${PROGRAM}: `, '')));
    const dump = dumpOf(error as DumpError);
    if (dump) lines.push(...indent(evidenceText(dump)));
  }
  lines.push(`${PROGRAM}: ${result.summary}`);
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => `  ${line}`);
}

/** The `--json` document of a fleet command (docs/cli.md). */
function fleetDocument(word: string, result: FleetResult<unknown, unknown>) {
  return {
    ok: result.ok,
    command: word,
    summary: result.summary,
    servers: result.results.map((r) => {
      const value = r.result.isOk() ? r.result.value : undefined;
      const error = r.result.isErr()
        ? (r.result.error as AnyError & { response?: RndcResponse })
        : undefined;
      const reply = replyOf(value) ?? error?.response;
      const dump = dumpOf(value ?? error);
      return {
        name: r.name,
        server: r.server,
        ok: r.ok,
        ms: r.ms,
        reply: reply ? jsonReply(reply) : null,
        evidence: dump ? jsonEvidence(dump) : null,
        error: error ? jsonError(error) : null,
      };
    }),
  };
}
