/**
 * `rndc-js watch --listen HOST:PORT [ZONE…]`: the durability watcher (src/watch) served over
 * HTTP — /metrics for Prometheus, /healthz and /readyz for probes — until SIGINT or SIGTERM,
 * which stop it cleanly (exit 0). Configured like every other command: rndc's -c/-k/-s/-p/-y,
 * named.conf from `rndc status` or --named-conf, named's log from named.conf or --named-log.
 */
import { setFlagsFromString } from 'node:v8';
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
import { parseServer } from './propagation-command.js';
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
  const secondaryOptions = parseSecondaryOptions(secondaryTexts, options, settings);
  if (typeof secondaryOptions === 'string') return usageError(io, secondaryOptions, 'watch');
  const checked = SecondaryChecker.create(secondaryOptions, 0, 60_000);
  if (checked.isErr()) return usageError(io, checked.error.message, 'watch');
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
    server = await serveWatcher(watcher, { host: listen.host, port: listen.port });
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

/** The secondary options of the command line, or what is wrong with them. */
function parseSecondaryOptions(
  texts: readonly string[],
  options: Readonly<Record<string, string | true>>,
  settings: GlobalSettings,
): SecondaryWatchOptions | string {
  const text = (k: string) => optionText(options, k);
  const secondaries: WatchedSecondary[] = [];
  for (const value of texts) {
    const server = parseServer(value);
    if (!server) return `--secondary '${value}': use HOST, HOST:PORT or [IPV6]:PORT`;
    secondaries.push(server);
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
  return out;
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
