/**
 * Typed views of the texts named returns for `rndc status` and `rndc zonestatus`.
 *
 * Both texts are `key: value` lines built by `named_server_status()` and
 * `named_server_zonestatus()` in bin/named/server.c (BIND 9.16.50, 9.18.49 and 9.20.23 print the
 * same zonestatus lines). The parsers never throw: a line they do not know,
 * or a known line whose value does not parse, lands in `extra` under its key, and the whole
 * text is kept in `raw`. Pure: no I/O.
 */

/** Recursive-client quota: `recursive clients: current/soft/hard`. */
export interface RecursiveClients {
  /** Recursive queries in progress. */
  readonly current: number;
  /** `recursive-clients` soft limit (new queries start dropping the oldest). */
  readonly softLimit: number;
  /** `recursive-clients` hard limit. */
  readonly hardLimit: number;
}

/** TCP client quota: `tcp clients: current/limit`. */
export interface TcpClients {
  /** TCP connections in use. */
  readonly current: number;
  /** `tcp-clients` limit. */
  readonly limit: number;
}

/** The `rndc status` text, field by field. Fields missing from the text are absent. */
export interface ServerStatus {
  /**
   * Product and version, e.g. `BIND 9.18.49-1~deb12u3-Debian (Extended Support Version)`.
   * named 9.16, 9.18 and 9.20 always print it; `''` only for a text that is not named's status.
   */
  readonly version: string;
  /** The numeric version from {@link ServerStatus.version}, e.g. `9.18.49`. */
  readonly versionNumber?: string;
  /** The source id inside `<id:…>` (empty in Debian's build). */
  readonly sourceId?: string;
  /**
   * The configured `version` option, shown in parentheses after the id, or
   * `version.bind/txt/ch disabled` when it is set to `none`. Absent when not configured.
   */
  readonly versionOverride?: string;
  /** Host name from `running on <host>: <uname>`. */
  readonly hostname?: string;
  /** The operating system text after the host name (uname: system, machine, release, version). */
  readonly runningOn?: string;
  /** When named started. */
  readonly bootTime?: Date;
  /** When the configuration was last loaded (start, reload or reconfig). */
  readonly lastConfigured?: Date;
  /** The named.conf path as named was given it. */
  readonly configurationFile?: string;
  /** When named runs chrooted: the chroot directory (the file then is `chrootDirectory + configurationFile`). */
  readonly chrootDirectory?: string;
  /** CPUs detected. */
  readonly cpusFound?: number;
  /** Worker threads in use (`-n`). */
  readonly workerThreads?: number;
  /** UDP listeners per interface (9.16 and 9.18; 9.20 no longer prints the line). */
  readonly udpListenersPerInterface?: number;
  /**
   * Zones in all views, including built-in ones (version.bind, …) and automatic empty zones.
   * named 9.16, 9.18 and 9.20 always print it; 0 only for a text that is not named's status.
   */
  readonly numberOfZones: number;
  /** Automatic empty zones among {@link ServerStatus.numberOfZones}. */
  readonly automaticZones?: number;
  /** Current debug level (`trace`/`notrace`, `-d`). */
  readonly debugLevel?: number;
  /** Zone transfers running. */
  readonly xfersRunning?: number;
  /** Zone transfers waiting for a slot. */
  readonly xfersDeferred?: number;
  /** SOA queries (refresh checks) in progress. */
  readonly soaQueriesInProgress?: number;
  /** Zone transfers that are a zone's first load (9.20: `xfers first refresh`). */
  readonly xfersFirstRefresh?: number;
  /** Whether query logging is on (`querylog`). */
  readonly queryLogging?: boolean;
  /** Whether response logging is on (`responselog`; 9.20.3+ print the line). */
  readonly responseLogging?: boolean;
  /**
   * jemalloc memory profiling (`memprof`; 9.20.6+ print the line): `ON`, `OFF`, `INACTIVE`
   * (profiling built in but not enabled in MALLOC_CONF), `UNSUPPORTED` or `FAILING`.
   */
  readonly memoryProfiling?: 'ON' | 'OFF' | 'INACTIVE' | 'UNSUPPORTED' | 'FAILING';
  /** Highest number of simultaneous recursive clients seen (9.20: `recursive high-water`). */
  readonly recursiveHighWater?: number;
  /** Recursive-client quota usage. */
  readonly recursiveClients?: RecursiveClients;
  /** TCP client quota usage. */
  readonly tcpClients?: TcpClients;
  /** Highest number of simultaneous TCP clients seen. */
  readonly tcpHighWater?: number;
  /** Present while a `reload`/`reconfig` is running, or after one failed. */
  readonly reloadState?: 'in progress' | 'failed';
  /** True when the text ends with `server is up and running` (named always prints it). */
  readonly running: boolean;
  /** Lines not recognised (key → value; a line without `: ` has the whole line as key and `''`). */
  readonly extra: Record<string, string>;
  /** The text as received. */
  readonly raw: string;
}

/** `key maintenance:` values. */
export type KeyMaintenance = 'automatic' | 'on command' | 'none';

/** The `rndc zonestatus` text, field by field. Fields missing from the text are absent. */
export interface ZoneStatus {
  /** The zone name exactly as given in the request (named echoes it; `.` for `-redirect`). */
  readonly name?: string;
  /**
   * Zone type: `primary`, `secondary`, `mirror`, `stub`, `static-stub`, `key`, `dlz`,
   * `redirect` (the names 9.16.50, 9.18 and 9.20 print; early 9.16 releases said `master`/`slave`). For inline-signing zones this is
   * the type of the unsigned zone.
   */
  readonly type?: string;
  /**
   * The zone file as configured (relative to `directory`), then each `$INCLUDE`d file.
   * Empty when the text has no `files:` line (zones without a file, e.g. `version.bind`).
   */
  readonly files: string[];
  /**
   * Serial of the zone (of the unsigned zone for inline-signing). named 9.16, 9.18 and 9.20
   * print it for every zone they answer `zonestatus` for (a zone not loaded is an error, not a
   * status); 0 only for a text without a valid `serial:` line.
   */
  readonly serial: number;
  /** Serial of the signed zone (inline-signing only). */
  readonly signedSerial?: number;
  /** Number of names in the zone database. */
  readonly nodes?: number;
  /** When the zone was last loaded from its file (the earlier of load start and file mtime). */
  readonly lastLoaded?: Date;
  /** Next refresh check (secondary, mirror, stub, redirect). */
  readonly nextRefresh?: Date;
  /** When the zone expires without a successful refresh (secondary, mirror, stub, redirect). */
  readonly expires?: Date;
  /** Whether the zone is DNSSEC-signed. */
  readonly secure?: boolean;
  /** Whether it is signed with inline-signing (present only for signed zones). */
  readonly inlineSigning?: boolean;
  /** DNSSEC key maintenance mode (signed zones, or zones with auto-dnssec). */
  readonly keyMaintenance?: KeyMaintenance;
  /** Next key event (key maintenance `automatic` only). */
  readonly nextKeyEvent?: Date;
  /** Name and type of the next RRset to be re-signed, e.g. `www.example.com/NSEC`. */
  readonly nextResignNode?: string;
  /** When that RRset will be re-signed. */
  readonly nextResignTime?: Date;
  /** Whether the zone accepts dynamic updates (allow-update/update-policy); primaries only. */
  readonly dynamic?: boolean;
  /** Whether updates are suspended by `rndc freeze` (dynamic zones only). */
  readonly frozen?: boolean;
  /** Whether the zone was added with addzone (and can therefore be changed with modzone). */
  readonly reconfigurableViaModzone?: boolean;
  /** True when named ran out of buffer space and ended the text with `...`. */
  readonly truncated: boolean;
  /** Lines not recognised, or whose value did not parse (key → value). */
  readonly extra: Record<string, string>;
  /** The text as received. */
  readonly raw: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `isc_time_formathttptimestamp()`: `Tue, 24 Nov 2026 17:46:40 GMT` (strftime
 * `%a, %d %b %Y %H:%M:%S GMT`, C locale). Strict: anything else is not a date.
 */
function parseHttpDate(text: string): Date | undefined {
  const m =
    /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
      text,
    );
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!);
  const [day, year, hour, minute, second] = [m[1], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  // Reject dates like 31 Feb that Date.UTC would silently roll over.
  return date.getUTCDate() === day ? date : undefined;
}

/** An unsigned decimal integer as named prints it with %u; undefined otherwise. */
function parseUint(text: string): number | undefined {
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

function parseYesNo(text: string): boolean | undefined {
  return text === 'yes' ? true : text === 'no' ? false : undefined;
}

/** Adds to `extra` without ever touching a prototype (`__proto__` is a valid key here). */
function addExtra(extra: Record<string, string>, key: string, value: string): void {
  const previous = Object.hasOwn(extra, key) ? extra[key] : undefined;
  Object.defineProperty(extra, key, {
    value: previous === undefined ? value : `${previous}\n${value}`,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Lines of a reply text: LF-separated; a CR before the LF is dropped; empty lines skipped. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line !== '');
}

/** Splits `key: value` at the first `": "` (or a trailing `":"`); undefined when there is none. */
function splitKeyValue(line: string): [string, string] | undefined {
  const at = line.indexOf(': ');
  if (at > 0) return [line.slice(0, at), line.slice(at + 2)];
  if (line.endsWith(':') && line.length > 1) return [line.slice(0, -1), ''];
  return undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Assigns `parsed` to `field` when defined, else records the line in `extra`. */
function assign<T extends object, K extends keyof T>(
  target: Mutable<T> & { extra: Record<string, string> },
  field: K,
  parsed: T[K] | undefined,
  key: string,
  value: string,
): void {
  if (parsed === undefined) addExtra(target.extra, key, value);
  else (target as Mutable<T>)[field] = parsed;
}

function asText(input: unknown): string {
  return typeof input === 'string' ? input : '';
}

/**
 * Parses the text of `rndc status` of BIND 9.16, 9.18 and 9.20. 9.16 and 9.18 print the same
 * lines (9.16's version line has a space between version and description, which changes
 * nothing here); 9.20 drops `UDP listeners per interface` and adds `xfers first refresh`,
 * `response logging is ON|OFF`, `memory profiling is …` and `recursive high-water`.
 * Never throws; see {@link ServerStatus} for every field.
 *
 * @param text - `_data.text` of the reply to `status`
 */
export function parseServerStatus(text: string): ServerStatus {
  const raw = asText(text);
  const status: Mutable<ServerStatus> = {
    version: '',
    numberOfZones: 0,
    running: false,
    extra: {},
    raw: '',
  };
  try {
    for (const line of lines(raw)) parseStatusLine(status, line);
  } catch {
    // Unreachable by construction; the contract is "never throws", so keep what we have.
  }
  // The text last (set again after the parsed fields): inspect and JSON show those first.
  delete (status as { raw?: string }).raw;
  status.raw = raw;
  return status;
}

const STATUS_COUNTERS: Record<string, keyof ServerStatus> = {
  'CPUs found': 'cpusFound',
  'worker threads': 'workerThreads',
  'UDP listeners per interface': 'udpListenersPerInterface',
  'debug level': 'debugLevel',
  'xfers running': 'xfersRunning',
  'xfers deferred': 'xfersDeferred',
  'soa queries in progress': 'soaQueriesInProgress',
  'TCP high-water': 'tcpHighWater',
  // BIND 9.20
  'xfers first refresh': 'xfersFirstRefresh',
  'recursive high-water': 'recursiveHighWater',
};

const MEMORY_PROFILING = new Set(['ON', 'OFF', 'INACTIVE', 'UNSUPPORTED', 'FAILING']);

function parseStatusLine(status: Mutable<ServerStatus>, line: string): void {
  if (line === 'server is up and running') {
    status.running = true;
    return;
  }
  const querylog = /^query logging is (ON|OFF)$/.exec(line);
  if (querylog) {
    status.queryLogging = querylog[1] === 'ON';
    return;
  }
  const responselog = /^response logging is (ON|OFF)$/.exec(line);
  if (responselog) {
    status.responseLogging = responselog[1] === 'ON';
    return;
  }
  const memprof = /^memory profiling is ([A-Z]+)$/.exec(line);
  if (memprof && MEMORY_PROFILING.has(memprof[1]!)) {
    status.memoryProfiling = memprof[1] as NonNullable<ServerStatus['memoryProfiling']>;
    return;
  }
  const reload = /^reload\/reconfig (in progress|failed)$/.exec(line);
  if (reload) {
    status.reloadState = reload[1] as 'in progress' | 'failed';
    return;
  }
  // The first ': ' is the only candidate: linear (the lazy `(.*?): (.*)$` was quadratic).
  const running = /^running on ((?:(?!: )[^\n\r\u2028\u2029])*): ([^\n\r\u2028\u2029]*)$/.exec(
    line,
  );
  if (running) {
    status.hostname = running[1]!;
    status.runningOn = running[2]!;
    return;
  }
  const kv = splitKeyValue(line);
  if (!kv) {
    addExtra(status.extra, line, '');
    return;
  }
  const [key, value] = kv;
  const counter = STATUS_COUNTERS[key];
  if (counter !== undefined) {
    assign<ServerStatus, typeof counter>(status, counter, parseUint(value), key, value);
    return;
  }
  switch (key) {
    case 'version':
      parseVersion(status, value);
      return;
    case 'boot time':
      assign<ServerStatus, 'bootTime'>(status, 'bootTime', parseHttpDate(value), key, value);
      return;
    case 'last configured':
      assign<ServerStatus, 'lastConfigured'>(
        status,
        'lastConfigured',
        parseHttpDate(value),
        key,
        value,
      );
      return;
    case 'configuration file':
      parseConfigurationFile(status, value);
      return;
    case 'number of zones': {
      const m = /^(\d{1,15}) \((\d{1,15}) automatic\)$/.exec(value);
      if (m) {
        status.numberOfZones = Number(m[1]);
        status.automaticZones = Number(m[2]);
      } else {
        assign<ServerStatus, 'numberOfZones'>(
          status,
          'numberOfZones',
          parseUint(value),
          key,
          value,
        );
      }
      return;
    }
    case 'recursive clients': {
      const m = /^(\d{1,15})\/(\d{1,15})\/(\d{1,15})$/.exec(value);
      const parsed = m
        ? { current: Number(m[1]), softLimit: Number(m[2]), hardLimit: Number(m[3]) }
        : undefined;
      assign<ServerStatus, 'recursiveClients'>(status, 'recursiveClients', parsed, key, value);
      return;
    }
    case 'tcp clients': {
      const m = /^(\d{1,15})\/(\d{1,15})$/.exec(value);
      const parsed = m ? { current: Number(m[1]), limit: Number(m[2]) } : undefined;
      assign<ServerStatus, 'tcpClients'>(status, 'tcpClients', parsed, key, value);
      return;
    }
    default:
      addExtra(status.extra, key, value);
  }
}

/** `version: <PACKAGE_STRING><DESCRIPTION> <id:<srcid>>[ (<version option>)]` */
function parseVersion(status: Mutable<ServerStatus>, value: string): void {
  // The first ` <id:` is the only candidate: linear (the lazy `(.*?) <id:` was quadratic).
  const m = /^((?:(?! <id:).)*) <id:([^>]*)>(?: \((.*)\))?$/.exec(value);
  const version = m ? m[1]! : value;
  status.version = version;
  const number = /^BIND (\d+\.\d+\.\d+)/.exec(version);
  if (number) status.versionNumber = number[1]!;
  if (m) {
    status.sourceId = m[2]!;
    if (m[3] !== undefined) status.versionOverride = m[3];
  }
}

/** `configuration file: <path>` or, chrooted, `<path> (<chroot><path>)`. */
function parseConfigurationFile(status: Mutable<ServerStatus>, value: string): void {
  if (value.endsWith(')')) {
    for (let at = value.indexOf(' ('); at > 0; at = value.indexOf(' (', at + 1)) {
      const path = value.slice(0, at);
      const full = value.slice(at + 2, -1);
      if (full.length > path.length && full.endsWith(path)) {
        status.configurationFile = path;
        status.chrootDirectory = full.slice(0, full.length - path.length);
        return;
      }
    }
  }
  status.configurationFile = value;
}

/**
 * Parses the text of `rndc zonestatus` (BIND 9.18). Never throws; see {@link ZoneStatus}
 * for every field. Dates are the HTTP-date lines (`Tue, 24 Nov 2026 18:34:52 GMT`); `yes`/`no`
 * become booleans; `files:` is split at `", "` (a file name containing `", "` cannot be told
 * apart — named prints the list that way).
 *
 * @param text - `_data.text` of the reply to `zonestatus`
 */
export function parseZoneStatus(text: string): ZoneStatus {
  const raw = asText(text);
  const status: Mutable<ZoneStatus> = {
    files: [],
    serial: 0,
    truncated: false,
    extra: {},
    raw: '',
  };
  try {
    for (const line of lines(raw)) parseZoneLine(status, line);
  } catch {
    // Unreachable by construction; the contract is "never throws", so keep what we have.
  }
  // The text last (set again after the parsed fields): inspect and JSON show those first.
  delete (status as { raw?: string }).raw;
  status.raw = raw;
  return status;
}

const ZONE_DATES: Record<string, keyof ZoneStatus> = {
  'last loaded': 'lastLoaded',
  'next refresh': 'nextRefresh',
  expires: 'expires',
  'next key event': 'nextKeyEvent',
  'next resign time': 'nextResignTime',
};

const ZONE_FLAGS: Record<string, keyof ZoneStatus> = {
  secure: 'secure',
  'inline signing': 'inlineSigning',
  dynamic: 'dynamic',
  frozen: 'frozen',
  'reconfigurable via modzone': 'reconfigurableViaModzone',
};

const ZONE_NUMBERS: Record<string, keyof ZoneStatus> = {
  serial: 'serial',
  'signed serial': 'signedSerial',
  nodes: 'nodes',
};

function parseZoneLine(status: Mutable<ZoneStatus>, line: string): void {
  if (line === '...') {
    status.truncated = true;
    return;
  }
  const kv = splitKeyValue(line);
  if (!kv) {
    addExtra(status.extra, line, '');
    return;
  }
  const [key, value] = kv;
  const dateField = ZONE_DATES[key];
  if (dateField !== undefined) {
    assign<ZoneStatus, typeof dateField>(status, dateField, parseHttpDate(value), key, value);
    return;
  }
  const flagField = ZONE_FLAGS[key];
  if (flagField !== undefined) {
    assign<ZoneStatus, typeof flagField>(status, flagField, parseYesNo(value), key, value);
    return;
  }
  const numberField = ZONE_NUMBERS[key];
  if (numberField !== undefined) {
    assign<ZoneStatus, typeof numberField>(status, numberField, parseUint(value), key, value);
    return;
  }
  switch (key) {
    case 'name':
      status.name = value;
      return;
    case 'type':
      status.type = value;
      return;
    case 'files':
      status.files = value.split(', ');
      return;
    case 'key maintenance': {
      const mode =
        value === 'automatic' || value === 'on command' || value === 'none' ? value : undefined;
      assign<ZoneStatus, 'keyMaintenance'>(status, 'keyMaintenance', mode, key, value);
      return;
    }
    case 'next resign node':
      status.nextResignNode = value;
      return;
    default:
      addExtra(status.extra, key, value);
  }
}
