// Which typed field each line of `rndc status` / `rndc zonestatus` must land in, for every BIND
// version's lines (9.16, 9.18, 9.20). A test that a version's text is fully typed walks its
// lines through these tables: a line that matches none, or whose field stayed empty, fails.
import type { ServerStatus, ZoneStatus } from '../../src/control/parse.js';

const STATUS_LINES: ReadonlyArray<readonly [RegExp, keyof ServerStatus]> = [
  [/^version: /, 'versionNumber'],
  [/^running on /, 'runningOn'],
  [/^boot time: /, 'bootTime'],
  [/^last configured: /, 'lastConfigured'],
  [/^configuration file: /, 'configurationFile'],
  [/^CPUs found: /, 'cpusFound'],
  [/^worker threads: /, 'workerThreads'],
  [/^UDP listeners per interface: /, 'udpListenersPerInterface'],
  [/^number of zones: /, 'automaticZones'],
  [/^debug level: /, 'debugLevel'],
  [/^xfers running: /, 'xfersRunning'],
  [/^xfers deferred: /, 'xfersDeferred'],
  [/^xfers first refresh: /, 'xfersFirstRefresh'],
  [/^soa queries in progress: /, 'soaQueriesInProgress'],
  [/^query logging is /, 'queryLogging'],
  [/^response logging is /, 'responseLogging'],
  [/^memory profiling is /, 'memoryProfiling'],
  [/^recursive clients: /, 'recursiveClients'],
  [/^recursive high-water: /, 'recursiveHighWater'],
  [/^tcp clients: /, 'tcpClients'],
  [/^TCP high-water: /, 'tcpHighWater'],
  [/^reload\/reconfig /, 'reloadState'],
  [/^server is up and running$/, 'running'],
];

const ZONE_LINES: ReadonlyArray<readonly [RegExp, keyof ZoneStatus]> = [
  [/^name: /, 'name'],
  [/^type: /, 'type'],
  [/^files: /, 'files'],
  [/^serial: /, 'serial'],
  [/^signed serial: /, 'signedSerial'],
  [/^nodes: /, 'nodes'],
  [/^last loaded: /, 'lastLoaded'],
  [/^next refresh: /, 'nextRefresh'],
  [/^expires: /, 'expires'],
  [/^secure: /, 'secure'],
  [/^inline signing: /, 'inlineSigning'],
  [/^key maintenance: /, 'keyMaintenance'],
  [/^next key event: /, 'nextKeyEvent'],
  [/^next resign node: /, 'nextResignNode'],
  [/^next resign time: /, 'nextResignTime'],
  [/^dynamic: /, 'dynamic'],
  [/^frozen: /, 'frozen'],
  [/^reconfigurable via modzone: /, 'reconfigurableViaModzone'],
];

function untyped<T extends { extra: Record<string, string> }>(
  text: string,
  parsed: T,
  table: ReadonlyArray<readonly [RegExp, keyof T]>,
): string[] {
  const problems = Object.keys(parsed.extra).map((key) => `in extra: ${JSON.stringify(key)}`);
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const row = table.find(([pattern]) => pattern.test(line));
    if (!row) problems.push(`no typed field for: ${line}`);
    else if (parsed[row[1]] === undefined) problems.push(`${String(row[1])} empty for: ${line}`);
  }
  return problems;
}

/** Lines of a status text that are not parsed into a typed field (empty when all are). */
export function untypedStatusLines(text: string, parsed: ServerStatus): string[] {
  return untyped(text, parsed, STATUS_LINES);
}

/** Lines of a zonestatus text that are not parsed into a typed field (empty when all are). */
export function untypedZoneLines(text: string, parsed: ZoneStatus): string[] {
  return untyped(text, parsed, ZONE_LINES);
}
