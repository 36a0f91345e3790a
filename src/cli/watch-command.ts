/**
 * `rndc-js watch --listen HOST:PORT [ZONE…]`: the durability watcher (src/watch) served over
 * HTTP — /metrics for Prometheus, /healthz and /readyz for probes — until SIGINT or SIGTERM,
 * which stop it cleanly (exit 0). Configured like every other command: rndc's -c/-k/-s/-p/-y,
 * named.conf from `rndc status` or --named-conf, named's log from named.conf or --named-log.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Ok, type Result } from '../result.js';
import {
  SecondaryChecker,
  type SecondaryWatchOptions,
  type WatchedSecondary,
} from '../watch/secondaries.js';
import { serveWatcher } from '../watch/server.js';
import { ZoneWatcher } from '../watch/watcher.js';
import {
  type GlobalSettings,
  optionText,
  parseArgs,
  parseSeconds,
  parseWholeNumber,
  takeRepeated,
} from './args.js';
import { connectFromSettings } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError } from './output.js';
import { parseServer, parseServerSpec, type ServerSpec, serverKeys } from './server-spec.js';
import { type Failure, type JsonUpdateWarning, loadKey } from './update.js';
import { usageError } from './usage.js';

const WATCH_OPTIONS = [
  { long: 'listen', value: true, key: 'listen' },
  { long: 'named-conf', value: true, key: 'namedConf' },
  { long: 'named-log', value: true, key: 'namedLog' },
  { long: 'named-dir', value: true, key: 'namedDir' },
  { long: 'statistics', value: true, key: 'statistics' },
  { long: 'max-lag', value: true, key: 'maxLag' },
  { long: 'discover-secondaries', key: 'discover' },
  { long: 'primary-dns', value: true, key: 'primaryDns' },
  { long: 'secondary-port', value: true, key: 'secondaryPort' },
  { long: 'secondary-timeout', value: true, key: 'secondaryTimeout' },
  { long: 'ready-with-secondaries', key: 'readySecondaries' },
  { long: 'max-secondary-lag', value: true, key: 'maxSecondaryLag' },
  { long: 'secondary-key', value: true, key: 'secondaryKey' },
  { long: 'v8-defaults', key: 'v8Defaults' },
] as const;

/** `watch …`; `args` are the words after `watch`. */
export async function watchCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  // --secondary may be repeated: take every one out before the general parser.
  const taken = takeRepeated(args, 'secondary');
  if ('error' in taken) return usageError(io, taken.error, 'watch');
  const { values: secondaryTexts, rest } = taken;
  const parsed = parseArgs(rest, WATCH_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'watch');
  const { options, operands } = parsed.value;
  const text = (k: string) => optionText(options, k);
  const listen = parseListen(text('listen') ?? '127.0.0.1:9119');
  if (listen === undefined) {
    return usageError(io, `--listen '${text('listen')}' is not HOST:PORT`, 'watch');
  }
  const maxLagText = text('maxLag');
  const maxLag = maxLagText === undefined ? undefined : parseSeconds(maxLagText);
  if (maxLagText !== undefined && maxLag === undefined) {
    return usageError(io, `--max-lag '${maxLagText}' is not a number of seconds`, 'watch');
  }
  const parsedSecondaries = parseSecondaryOptions(secondaryTexts, options, settings);
  if (typeof parsedSecondaries === 'string') return usageError(io, parsedSecondaries, 'watch');
  const checked = SecondaryChecker.create(parsedSecondaries.options, 0, 60_000);
  if (checked.isErr()) return usageError(io, checked.error.message, 'watch');
  const keyed = await withSecondaryKeys(parsedSecondaries, io);
  if (keyed.isErr()) {
    io.stderr.write(formatError(keyed.error, 'watch'));
    return 1;
  }
  const secondaryOptions = keyed.value;
  const connection = await connectFromSettings(settings, io);
  if (connection.isErr()) {
    io.stderr.write(formatError(connection.error));
    return 1;
  }
  // A long-running process that works a few hundred ms every scrape and idles between: V8's
  // optimize-for-size mode lets it shrink the young generation back after each scrape (without
  // it, the semi-spaces stay at their 16 MiB maximum: ~35 MiB more RSS with 1,000 zones, Node
  // 20). Read at each garbage collection, so setting it here takes effect (unlike
  // --max-semi-space-size, which only the node command line can set). It costs CPU (more
  // collections, less optimised code): ~25 % more with the statistics channel, ~40 % more with
  // zonestatus per zone (measured with 1,000 zones), hence --v8-defaults.
  // docs/watch.md, "Cost".
  if (options.v8Defaults !== true) setFlagsFromString('--optimize-for-size');
  const afterScrape = options.v8Defaults !== true ? memoryReturner() : undefined;
  const namedConf = text('namedConf');
  const namedLog = text('namedLog');
  const namedDir = text('namedDir');
  const statistics = text('statistics');
  const watcher = new ZoneWatcher({
    rndc: connection.value.client,
    closeClient: true,
    timeoutMs: Math.min(settings.timeoutMs, 30_000),
    ...(operands.length > 0 ? { zones: operands.map((zone) => ({ zone })) } : {}),
    ...(namedConf !== undefined ? { namedConf } : {}),
    ...(namedLog !== undefined ? { log: namedLog } : {}),
    ...(namedDir !== undefined ? { directory: namedDir } : {}),
    ...(statistics !== undefined ? { statisticsUrl: statistics } : {}),
    ...(maxLag !== undefined ? { maxLagSeconds: maxLag } : {}),
    ...secondaryOptions,
  });
  let server: Awaited<ReturnType<typeof serveWatcher>>;
  try {
    server = await serveWatcher(watcher, {
      host: listen.host,
      port: listen.port,
      ...(afterScrape ? { afterScrape } : {}),
    });
  } catch (error) {
    await watcher.close();
    io.stderr.write(
      `${PROGRAM}: watch: cannot listen on ${listen.host}:${listen.port}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const first = await watcher.refresh();
  const host = server.host.includes(':') ? `[${server.host}]` : server.host;
  io.stderr.write(
    `${PROGRAM}: watching ${first.zones.length} zone(s); http://${host}:${server.port}/metrics /healthz /readyz\n`,
  );
  if (first.logProblem) io.stderr.write(`${PROGRAM}: watch: named's log: ${first.logProblem}\n`);
  if (!first.namedUp)
    io.stderr.write(`${PROGRAM}: watch: ${first.namedProblem ?? 'named does not answer'}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  await watcher.close();
  io.stderr.write(`${PROGRAM}: watch stopped\n`);
  return 0;
}

/**
 * After each scrape, a full garbage collection, so that V8 gives back the pages a scrape's
 * garbage grew its heap by (rendering 1,000 zones' metrics makes ~1 MB of text and its pieces)
 * instead of keeping them until the next one: the watcher idles between scrapes, and that memory
 * was most of its own (measured: bench/watch.bench.ts, docs/watch.md "Cost"). Through V8's
 * `gc` function, exposed for this process only; undefined when it cannot be (then nothing runs).
 * Exported for tests.
 */
export function memoryReturner(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return undefined;
    return () => gc();
  } catch {
    return undefined;
  }
}

/** The secondary options of the command line, or what is wrong with them. */
function parseSecondaryOptions(
  texts: readonly string[],
  options: Readonly<Record<string, string | true>>,
  settings: GlobalSettings,
): ParsedSecondaries | string {
  const text = (k: string) => optionText(options, k);
  const secondaries: WatchedSecondary[] = [];
  const specs: ServerSpec[] = [];
  for (const value of texts) {
    const spec = parseServerSpec(value, 'secondary');
    if (typeof spec === 'string') return spec;
    specs.push(spec);
    secondaries.push({ host: spec.host, port: spec.port, ...(spec.unsigned ? { key: null } : {}) });
  }
  const out: { -readonly [K in keyof SecondaryWatchOptions]: SecondaryWatchOptions[K] } = {};
  if (secondaries.length > 0) out.secondaries = secondaries;
  const primaryText = text('primaryDns');
  const portText = text('secondaryPort');
  if (options.discover === true) {
    // The primary is the named beside the watcher: by default its control address, port 53.
    const primary = parseServer(primaryText ?? settings.server ?? '127.0.0.1');
    if (!primary) return `--primary-dns '${primaryText}': use HOST, HOST:PORT or [IPV6]:PORT`;
    const secondaryPort =
      portText === undefined ? undefined : parseWholeNumber(portText, 1, 65_535);
    if (portText !== undefined && secondaryPort === undefined)
      return `--secondary-port '${portText}' is not a port (1-65535)`;
    out.discoverSecondaries = {
      host: primary.host,
      port: primary.port,
      ...(secondaryPort !== undefined ? { secondaryPort } : {}),
    };
  } else if (primaryText !== undefined || portText !== undefined) {
    return '--primary-dns and --secondary-port go with --discover-secondaries';
  }
  const timeoutText = text('secondaryTimeout');
  if (timeoutText !== undefined) {
    const seconds = parseSeconds(timeoutText);
    if (seconds === undefined)
      return `--secondary-timeout '${timeoutText}' is not a number of seconds`;
    out.secondaryTimeoutMs = Math.max(1, Math.round(seconds * 1000));
  }
  if (options.readySecondaries === true) out.secondaryReadiness = true;
  const lagText = text('maxSecondaryLag');
  if (lagText !== undefined) {
    const seconds = parseSeconds(lagText);
    if (seconds === undefined) return `--max-secondary-lag '${lagText}' is not a number of seconds`;
    out.maxSecondaryLagSeconds = seconds;
  }
  const defaultKeyFile = text('secondaryKey');
  return { options: out, specs, ...(defaultKeyFile !== undefined ? { defaultKeyFile } : {}) };
}

/** The secondary options, and the key files still to read (`,key=FILE`, --secondary-key). */
interface ParsedSecondaries {
  readonly options: SecondaryWatchOptions;
  /** The `--secondary` values, in the order of `options.secondaries`. */
  readonly specs: readonly ServerSpec[];
  /** `--secondary-key FILE`: every secondary's key but those with their own or `,unsigned`. */
  readonly defaultKeyFile?: string;
}

/**
 * The secondary options with their TSIG keys read from the key files (as `nsupdate -k` reads
 * them); a file that cannot be read, or holds no usable key, is an error naming it.
 */
async function withSecondaryKeys(
  parsed: ParsedSecondaries,
  io: CliIo,
): Promise<Result<SecondaryWatchOptions, Failure>> {
  const warnings: JsonUpdateWarning[] = [];
  let options = parsed.options;
  if (parsed.defaultKeyFile !== undefined) {
    const key = await loadKey(
      { keyFile: parsed.defaultKeyFile, keyString: undefined, local: false },
      io,
      warnings,
    );
    if (key.isErr()) return key;
    if (key.value) options = { ...options, secondaryKey: key.value };
  }
  const own = await serverKeys(parsed.specs, io, warnings);
  if (own.isErr()) return own;
  if (own.value.some((key) => key)) {
    const secondaries = (options.secondaries ?? []).map((secondary, index) => {
      const key = own.value[index];
      return key ? { ...secondary, key } : secondary;
    });
    options = { ...options, secondaries };
  }
  for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);
  return Ok(options);
}

/** `HOST:PORT`, `[V6]:PORT` or `:PORT` (all addresses). */
function parseListen(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] === '' ? '::' : (match[2] ?? '127.0.0.1'));
  return { host, port };
}
