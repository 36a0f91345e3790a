/**
 * Pure text generators for the throwaway named started by `startNamed()`: named.conf, the keys
 * file it includes, zone files and rndc.conf files for BIND's own `rndc`.
 * No I/O here; `named.ts` writes what these return.
 */
import type { HmacAlgorithm } from '../keys/key.js';
import type { BindVersion } from './bind-versions.js';

/** How a test zone is configured. */
export type ZoneKind = 'dynamic' | 'static' | 'inline-signing' | 'secondary';

/** One entry of a secondary zone's `primaries` list. */
export interface PrimaryText {
  /** IPv4 address. */
  readonly host: string;
  readonly port: number;
  /** Name of the TSIG key the transfer is signed with, when one is. */
  readonly keyName?: string | undefined;
}

/** Severity of named's log channel, as written after `severity` in named.conf. */
export type LogSeverity =
  | 'critical'
  | 'error'
  | 'warning'
  | 'notice'
  | 'info'
  | 'dynamic'
  | 'debug'
  | `debug ${number}`;

/** `print-time` setting of named's log channel. */
export type LogPrintTime = 'yes' | 'no' | 'local' | 'iso8601' | 'iso8601-utc';

/** A key as it is written into named.conf / rndc.conf (secret in base64). */
export interface KeyText {
  readonly name: string;
  /** BIND algorithm name, possibly truncated (`hmac-sha256-128`). */
  readonly algorithm: string;
  readonly secret: string;
}

/** A zone after defaults were applied. */
export interface ResolvedZone {
  readonly name: string;
  readonly kind: ZoneKind;
  /** The `file` value as written in named.conf (relative to `directory` unless absolute). */
  readonly file: string;
  readonly serial: number;
  readonly records: readonly string[];
  readonly allowUpdate: boolean;
  readonly zoneOptions: string;
  /** Where a `secondary` zone transfers from (empty for the other kinds). */
  readonly primaries: readonly PrimaryText[];
}

/** Everything `renderNamedConf` needs. */
export interface NamedConfInput {
  readonly dir: string;
  /** named's `directory` when it is not `dir` (absolute). */
  readonly directory?: string;
  readonly keysFile: string;
  readonly logFile: string;
  readonly startupLogFile: string;
  readonly dnsPort: number;
  readonly controlPort: number;
  readonly readOnlyControlPort: number | undefined;
  /** Names of the keys allowed on the control channel(s). */
  readonly controlKeyNames: readonly string[];
  /** Names of the keys allowed to update dynamic zones. */
  readonly updateKeyNames: readonly string[];
  readonly zones: readonly ResolvedZone[];
  /** The release line of the named that will read this file, when known. */
  readonly bindVersion?: BindVersion | undefined;
  readonly logSeverity: LogSeverity;
  readonly printTime: LogPrintTime;
  readonly extraOptions: string;
  readonly extraConfig: string;
}

/** Categories routed explicitly to the log file (everything else goes there via `default`). */
const LOG_CATEGORIES = [
  'default',
  'general',
  'config',
  'zoneload',
  'database',
  'update',
  'update-security',
  'notify',
  'xfer-in',
  'xfer-out',
  'dnssec',
  'security',
  'network',
] as const;

/** Categories also copied, at `info`, to the startup log that readiness detection reads. */
const STARTUP_CATEGORIES = new Set<string>(['general', 'config', 'network']);

/** Quotes a string for named.conf / rndc.conf. */
export function quote(text: string): string {
  if (/["\\\n]/.test(text)) {
    throw new Error(`cannot write ${JSON.stringify(text)} into a BIND configuration file`);
  }
  return `"${text}"`;
}

/** The keys file named.conf includes: one `key` statement per key. */
export function renderKeysFile(keys: readonly KeyText[]): string {
  return keys
    .map(
      (key) =>
        `key ${quote(key.name)} {\n\talgorithm ${key.algorithm};\n\tsecret ${quote(key.secret)};\n};\n`,
    )
    .join('');
}

/** The complete named.conf. */
export function renderNamedConf(input: NamedConfInput): string {
  const keyList = (names: readonly string[]): string =>
    names.map((name) => `${quote(name)};`).join(' ');
  const updateList = input.updateKeyNames.map((name) => `key ${quote(name)};`).join(' ');

  const controls = [
    `\tinet 127.0.0.1 port ${input.controlPort} allow { 127.0.0.1; } keys { ${keyList(input.controlKeyNames)} };`,
  ];
  if (input.readOnlyControlPort !== undefined) {
    controls.push(
      `\tinet 127.0.0.1 port ${input.readOnlyControlPort} allow { 127.0.0.1; } keys { ${keyList(input.controlKeyNames)} } read-only yes;`,
    );
  }

  const channel = (name: string, file: string, severity: string): string =>
    [
      `\tchannel ${name} {`,
      `\t\tfile ${quote(file)};`,
      `\t\tprint-time ${input.printTime};`,
      '\t\tprint-category yes;',
      '\t\tprint-severity yes;',
      `\t\tseverity ${severity};`,
      '\t};',
    ].join('\n');
  const categories = LOG_CATEGORIES.map((category) =>
    STARTUP_CATEGORIES.has(category)
      ? `\tcategory ${category} { default_log; startup_log; };`
      : `\tcategory ${category} { default_log; };`,
  );

  const zones = input.zones.map((zone) => {
    const secondary = zone.kind === 'secondary';
    const lines = [
      `zone ${quote(zone.name)} {`,
      secondary ? '\ttype secondary;' : '\ttype primary;',
      `\tfile ${quote(zone.file)};`,
    ];
    if (secondary) {
      // `type secondary` and `primaries` are understood by 9.16 and later (checked with each
      // version's named-checkconf); 9.20 deprecates the older `slave`/`masters` spellings.
      const primaries = zone.primaries.map(
        (p) =>
          `${p.host} port ${p.port}${p.keyName === undefined ? '' : ` key ${quote(p.keyName)}`};`,
      );
      lines.push(`\tprimaries { ${primaries.join(' ')} };`);
    } else if (zone.allowUpdate) {
      lines.push(`\tallow-update { ${updateList} };`);
    }
    if (zone.kind === 'inline-signing') {
      lines.push('\tinline-signing yes;', '\tdnssec-policy default;');
    }
    if (zone.zoneOptions.trim()) lines.push(indent(zone.zoneOptions));
    lines.push('};');
    return lines.join('\n');
  });

  const parts = [
    '// Generated by rndc/testing startNamed(). Throwaway server: loopback only.',
    `include ${quote(input.keysFile)};`,
    '',
    'options {',
    `\tdirectory ${quote(input.directory ?? input.dir)};`,
    `\tpid-file ${quote(`${input.dir}/named.pid`)};`,
    `\tsession-keyfile ${quote(`${input.dir}/session.key`)};`,
    `\tmanaged-keys-directory ${quote(input.dir)};`,
    '\tkey-directory "keys";',
    `\tlisten-on port ${input.dnsPort} { 127.0.0.1; };`,
    '\tlisten-on-v6 { none; };',
    '\trecursion no;',
    '\tnotify no;',
    '\tdnssec-validation no;',
    '\tallow-new-zones yes;',
    // 9.20 refuses outgoing zone transfers unless allowed; tests read zones back with AXFR.
    '\tallow-transfer { 127.0.0.1; };',
    '\tautomatic-interface-scan no;',
  ];
  if (input.extraOptions.trim()) parts.push(indent(input.extraOptions));
  parts.push(
    '};',
    '',
    'controls {',
    ...controls,
    '};',
    '',
    'logging {',
    channel('default_log', input.logFile, input.logSeverity),
    channel('startup_log', input.startupLogFile, 'info'),
    ...categories,
    '};',
    '',
    ...zones.flatMap((zone) => [zone, '']),
  );
  if (input.extraConfig.trim()) parts.push(input.extraConfig.trimEnd(), '');
  return parts.join('\n');
}

/** A zone file: SOA, NS `ns.<zone>`, A for `ns`, two sample records, then `records`. */
export function renderZoneFile(zone: ResolvedZone): string {
  const origin = `${zone.name}.`;
  return [
    `$ORIGIN ${origin}`,
    '$TTL 300',
    `@\tIN\tSOA\tns.${origin} hostmaster.${origin} ( ${zone.serial} 3600 600 86400 300 )`,
    '@\tIN\tNS\tns',
    'ns\tIN\tA\t127.0.0.1',
    'www\tIN\tA\t192.0.2.1',
    'txt\tIN\tTXT\t"rndc test zone"',
    ...zone.records,
    '',
  ].join('\n');
}

/** An rndc.conf for BIND's `rndc -c FILE`: one key, server 127.0.0.1, the given port. */
export function renderRndcConf(key: KeyText, port: number): string {
  return [
    `key ${quote(key.name)} {`,
    `\talgorithm ${key.algorithm};`,
    `\tsecret ${quote(key.secret)};`,
    '};',
    '',
    'options {',
    '\tdefault-server 127.0.0.1;',
    `\tdefault-key ${quote(key.name)};`,
    `\tdefault-port ${port};`,
    '};',
    '',
  ].join('\n');
}

/** Key name used for each algorithm: `rndc-md5`, `rndc-sha1`, … */
export function controlKeyName(algorithm: HmacAlgorithm): string {
  return `rndc-${algorithm.slice('hmac-'.length)}`;
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `\t${line}`)
    .join('\n');
}
