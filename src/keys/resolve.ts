/**
 * Which server, port, addresses and key the rndc tool would use: `rndc [-c file] [-k file]
 * [-s server] [-p port] [-y key] [-b address]`, reproduced rule by rule (BIND 9.18
 * `bin/rndc/rndc.c`), including its less obvious corners:
 *
 * - rndc.conf wins: when it exists, the key file (`-k`) is not read at all.
 * - Without rndc.conf ("key-only" mode) the key file's single key is used whatever `-y` says,
 *   and the server defaults to 127.0.0.1.
 * - A server that has a `server` statement takes its key **only** from that statement: with
 *   no `key` clause there, rndc fails ("get key for server: not found") instead of falling back
 *   to `default-key`.
 */
import { stat } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { loadRndcConf, type RndcConf } from './config.js';
import type { Key } from './key.js';
import { keyFromStatement } from './keyblock.js';
import { type IncludeOptions, loadConfigFile } from './load.js';
import { asciiLower, configError, echo, quoteName, sameName, where } from './problems.js';
import { keyword } from './tree.js';

/** rndc's configuration file on Debian-style installs (`${sysconfdir}/rndc.conf`). */
export const DEFAULT_RNDC_CONF = '/etc/bind/rndc.conf';
/** rndc's key file on Debian-style installs (`${sysconfdir}/rndc.key`), also read by named. */
export const DEFAULT_RNDC_KEY = '/etc/bind/rndc.key';
/** named's default control port. */
export const DEFAULT_RNDC_PORT = 953;
/** Most addresses rndc tries for one server (`SERVERADDRS`). */
export const MAX_SERVER_ADDRESSES = 10;
/** Largest secret rndc accepts, in bytes. */
export const MAX_RNDC_SECRET_BYTES = 1024;

/** The rndc tool's command-line choices, by name; every one is optional. */
export interface ResolveRndcTargetOptions extends IncludeOptions {
  /** `-c`: the rndc.conf to use. Must exist when given. */
  readonly configFile?: string | undefined;
  /** `-k`: the key file used when there is no rndc.conf. */
  readonly keyFile?: string | undefined;
  /** `-s`: server name or address, compared with `server` statements ignoring case. */
  readonly server?: string | undefined;
  /** `-p`: control port, 1–65535. */
  readonly port?: number | undefined;
  /** `-y`: name of the key to use (an rndc.conf `key`). Ignored in key-only mode, as by rndc. */
  readonly keyName?: string | undefined;
  /** `-b`: source address; an IPv4 address sets the IPv4 source, an IPv6 one the IPv6 source. */
  readonly sourceAddress?: string | undefined;
  /** rndc.conf used when `configFile` is not given. Default {@link DEFAULT_RNDC_CONF}. */
  readonly defaultConfigFile?: string | undefined;
  /** Key file used when `keyFile` is not given. Default {@link DEFAULT_RNDC_KEY}. */
  readonly defaultKeyFile?: string | undefined;
}

/** One address to try, in order; the next one is tried only when connecting fails. */
export interface RndcTargetAddress {
  /** An IP address, or a host name still to be resolved. */
  readonly host: string;
  /** The control port to connect to. */
  readonly port: number;
}

/** What rndc would connect to and sign with. */
export interface RndcTarget {
  /** The key to sign with (from `-y`, the server's `key`, `default-key` or rndc.key). */
  readonly key: Key;
  /** The resolved port: `-p` ▸ server `port` ▸ `default-port` ▸ 953. */
  readonly port: number;
  /** The server's `addresses`, else the server name itself; never empty. */
  readonly addresses: readonly RndcTargetAddress[];
  /** The server name used: `-s` ▸ `default-server` (▸ 127.0.0.1 in key-only mode). */
  readonly server: string;
  /** `config`: settings came from an rndc.conf; `key-only`: from a key file alone. */
  readonly mode: 'config' | 'key-only';
  /** The rndc.conf read (config mode). */
  readonly configFile?: string;
  /** The key file read (key-only mode). */
  readonly keyFile?: string;
  /** IPv4 source address to bind (`0.0.0.0` for `*`), if configured. */
  readonly sourceAddress?: string;
  /** IPv6 source address to bind (`::` for `*`), if configured. */
  readonly sourceAddressV6?: string;
  /** Things rndc would warn about, and ignored configuration. */
  readonly warnings: readonly string[];
}

/**
 * The resolved target, or why it cannot be resolved.
 *
 * @inline
 */
type Target = Result<RndcTarget, ConfigError>;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const isPort = (port: number): boolean => Number.isInteger(port) && port >= 1 && port <= 65535;

/** The source addresses from `-b`, or an error when it is not an IP address. */
function commandLineSources(
  address: string | undefined,
): Result<{ v4?: string; v6?: string }, ConfigError> {
  if (address === undefined) return Ok({});
  if (isIPv4(address)) return Ok({ v4: address });
  if (isIPv6(address)) return Ok({ v6: address });
  return Err(
    configError('syntax', undefined, `source address ${echo(address)} is not an IP address`),
  );
}

/** rndc refuses truncated MACs and secrets over 1 KiB for the control channel. */
function checkControlKey(key: Key): Result<Key, ConfigError> {
  if (key.truncatedBits !== undefined) {
    return Err(
      configError(
        'unsupported-algorithm',
        key.location,
        `unsupported algorithm: ${key.algorithm}-${key.truncatedBits} (key ${quoteName(key.name)}); the control channel needs the full MAC`,
        { remedy: `use plain ${key.algorithm}; truncated MACs are a TSIG feature` },
      ),
    );
  }
  if (key.algorithmName !== key.algorithm) {
    // rndc knows only the six plain names: `unsupported algorithm: hmac-md5.sig-alg.reg.int`.
    return Err(
      configError(
        'unsupported-algorithm',
        key.location,
        `unsupported algorithm: ${key.algorithmName} (key ${quoteName(key.name)})`,
        { remedy: `write 'algorithm ${key.algorithm};': rndc does not read this spelling` },
      ),
    );
  }
  if (key.secretBytes().length > MAX_RNDC_SECRET_BYTES) {
    return Err(
      configError(
        'invalid-key',
        key.location,
        `key ${quoteName(key.name)}: secret longer than ${MAX_RNDC_SECRET_BYTES} bytes, which rndc cannot use`,
      ),
    );
  }
  return Ok(key);
}

/** The optional source-address fields, `*` turned into the wildcard address it means. */
function sourceFields(
  v4: string | undefined,
  v6: string | undefined,
): Pick<RndcTarget, 'sourceAddress' | 'sourceAddressV6'> {
  return {
    ...(v4 === undefined ? {} : { sourceAddress: v4 === '*' ? '0.0.0.0' : v4 }),
    ...(v6 === undefined ? {} : { sourceAddressV6: v6 === '*' ? '::' : v6 }),
  };
}

async function keyOnly(options: ResolveRndcTargetOptions, keyFile: string): Promise<Target> {
  const loaded = await loadConfigFile(keyFile, options);
  if (loaded.isErr()) return loaded;
  const warnings: string[] = [];
  const warn = (warning: string) => warnings.push(warning);
  let key: Key | undefined;
  for (const statement of loaded.value.statements) {
    if (keyword(statement) !== 'key') {
      const shown = keyword(statement) ? echo(statement.words[0]?.text ?? '') : "a '{' block";
      warn(
        `${statement.file}:${statement.line}: statement ${shown} ignored (a key file holds one key)`,
      );
      continue;
    }
    if (key) {
      return Err(
        configError('syntax', { file: statement.file, line: statement.line }, "'key' redefined", {
          remedy:
            'an rndc key file holds exactly one key; to choose among several, write an rndc.conf',
        }),
      );
    }
    const parsed = keyFromStatement(statement, warn);
    if (parsed.isErr()) return parsed;
    key = parsed.value;
  }
  if (!key) {
    return Err(
      configError('missing-key', undefined, `${keyFile}: no 'key' statement found`, {
        remedy: 'create the key file with `rndc-confgen -a`',
      }),
    );
  }
  const checked = checkControlKey(key);
  if (checked.isErr()) return checked;
  if (options.keyName !== undefined && !sameName(options.keyName, key.name)) {
    warnings.push(
      `key name ${quoteName(options.keyName)} ignored: without an rndc.conf rndc uses the key in ${keyFile} (${quoteName(key.name)})`,
    );
  }
  const sources = commandLineSources(options.sourceAddress);
  if (sources.isErr()) return sources;
  const server = options.server ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_RNDC_PORT;
  return Ok({
    key,
    port,
    addresses: [{ host: server, port }],
    server,
    mode: 'key-only',
    keyFile,
    ...sourceFields(sources.value.v4, sources.value.v6),
    warnings,
  });
}

interface KeyChoice {
  readonly name: string;
  /** Where the name came from in rndc.conf; undefined when it came from `keyName` (-y). */
  readonly location: SourceLocation | undefined;
}

function chooseKeyName(
  conf: RndcConf,
  server: string,
  options: ResolveRndcTargetOptions,
): Result<KeyChoice, ConfigError> {
  if (options.keyName !== undefined) return Ok({ name: options.keyName, location: undefined });
  const stanza = conf.servers.find((candidate) => sameName(candidate.name, server));
  if (stanza) {
    if (stanza.key !== undefined) {
      return Ok({ name: stanza.key, location: stanza.clauseLocations.get('key') });
    }
    return Err(
      configError(
        'missing-key',
        stanza.location,
        `server ${quoteName(stanza.name)} has no 'key' clause, and rndc does not fall back to default-key for a server with a server statement ("get key for server: not found")`,
        { remedy: 'add `key "<name>";` to this server statement, or pass keyName (rndc -y)' },
      ),
    );
  }
  if (conf.options) {
    if (conf.options.defaultKey !== undefined) {
      return Ok({
        name: conf.options.defaultKey,
        location: conf.options.clauseLocations.get('default-key'),
      });
    }
    return Err(
      configError(
        'missing-key',
        conf.options.location,
        `no key for server ${quoteName(server)}: no server statement for it and no default-key in options ("get default key: not found")`,
        { remedy: 'add `default-key "<name>";` to options, or pass keyName (rndc -y)' },
      ),
    );
  }
  return Err(
    configError(
      'missing-key',
      undefined,
      `${conf.file}: no key for server ${quoteName(server)} and no default (no server statement, no options)`,
      { remedy: 'add `options { default-key "<name>"; };`, or pass keyName (rndc -y)' },
    ),
  );
}

async function fromConfig(
  options: ResolveRndcTargetOptions,
  configFile: string,
  warnings: string[],
): Promise<Target> {
  const loaded = await loadRndcConf(configFile, options);
  if (loaded.isErr()) return loaded;
  const conf = loaded.value;
  warnings.push(...conf.warnings);

  const server = options.server ?? conf.options?.defaultServer;
  if (server === undefined) {
    return Err(
      configError(
        'no-server',
        conf.options?.location,
        `${conf.options ? '' : `${configFile}: `}no server specified and no default`,
        {
          remedy: `pass server (rndc -s), or add \`default-server 127.0.0.1;\` to the options of ${configFile}`,
        },
      ),
    );
  }
  const stanza = conf.servers.find((candidate) => sameName(candidate.name, server));

  const choice = chooseKeyName(conf, server, options);
  if (choice.isErr()) return choice;
  const key = conf.keys.get(asciiLower(choice.value.name));
  if (!key) {
    const from = choice.value.location ? ` (named at ${where(choice.value.location)})` : '';
    return Err(
      configError(
        'missing-key',
        choice.value.location,
        `no key definition for name ${quoteName(choice.value.name)} in ${configFile}${from}`,
        {
          remedy: `add a \`key ${quoteName(choice.value.name)} { algorithm …; secret "…"; };\` statement, or name a key that exists`,
        },
      ),
    );
  }
  const checked = checkControlKey(key);
  if (checked.isErr()) return checked;

  let port = DEFAULT_RNDC_PORT;
  let portLocation: SourceLocation | undefined;
  if (options.port !== undefined) {
    port = options.port;
  } else if (stanza?.port !== undefined) {
    port = stanza.port;
    portLocation = stanza.clauseLocations.get('port');
  } else if (conf.options?.defaultPort !== undefined) {
    port = conf.options.defaultPort;
    portLocation = conf.options.clauseLocations.get('default-port');
  }
  if (!isPort(port)) {
    return Err(configError('syntax', portLocation, `port ${port} out of range`));
  }

  const addresses: RndcTargetAddress[] = [];
  for (const address of stanza?.addresses ?? []) {
    if (addresses.length < MAX_SERVER_ADDRESSES) {
      addresses.push({ host: address.host, port: address.port ?? port });
    } else {
      warnings.push(
        `${where(address.location)}: too many addresses: ${address.host}: dropped (rndc uses the first ${MAX_SERVER_ADDRESSES})`,
      );
    }
  }
  if (addresses.length === 0) addresses.push({ host: server, port });

  const sources = commandLineSources(options.sourceAddress);
  if (sources.isErr()) return sources;
  const v4 = sources.value.v4 ?? stanza?.sourceAddress ?? conf.options?.defaultSourceAddress;
  const v6 = sources.value.v6 ?? stanza?.sourceAddressV6 ?? conf.options?.defaultSourceAddressV6;

  return Ok({
    key,
    port,
    addresses,
    server,
    mode: 'config',
    configFile,
    ...sourceFields(v4, v6),
    warnings,
  });
}

/**
 * Works out, exactly as the rndc tool does, which key, server, port and addresses to use:
 *
 * 1. Config file = `configFile` ?? `defaultConfigFile`. If it does not exist: when
 *    `configFile` was given that is an error; otherwise "key-only" mode reads
 *    `keyFile` ?? `defaultKeyFile` (neither found → `no-config`). If it exists, the key file is
 *    ignored (with rndc's warning when that key file exists and `configFile` was not given).
 * 2. Server: `server` ▸ `options.default-server` (▸ 127.0.0.1 in key-only mode) ▸ `no-server`.
 * 3. Server statement: the first whose name equals the server, ignoring case.
 * 4. Key: `keyName` ▸ that statement's `key` (and nothing else if the statement exists) ▸
 *    `options.default-key` ▸ in key-only mode the file's one key. Unknown → `missing-key`.
 * 5. Port: `port` ▸ statement `port` ▸ `default-port` ▸ 953.
 * 6. Addresses: the statement's `addresses` (each with its own port, else the port above;
 *    at most 10), else the server name itself.
 * 7. Source: `sourceAddress` ▸ statement `source-address[-v6]` ▸ `default-source-address[-v6]`.
 *
 * Never throws; files are read with `node:fs/promises` (paths are parameters, for tests).
 */
export async function resolveRndcTarget(options: ResolveRndcTargetOptions = {}): Promise<Target> {
  if (options.port !== undefined && !isPort(options.port)) {
    return Err(configError('syntax', undefined, `port '${options.port}' out of range (1-65535)`));
  }
  const defaultConfigFile = options.defaultConfigFile ?? DEFAULT_RNDC_CONF;
  const defaultKeyFile = options.defaultKeyFile ?? DEFAULT_RNDC_KEY;
  const configFile = options.configFile ?? defaultConfigFile;
  const keyFile = options.keyFile ?? defaultKeyFile;

  if (!(await exists(configFile))) {
    if (options.configFile !== undefined) {
      return Err(
        configError('no-config', undefined, `${configFile} does not exist`, {
          remedy: 'check the configFile path (rndc -c)',
        }),
      );
    }
    if (!(await exists(keyFile))) {
      return Err(
        configError('no-config', undefined, `neither ${configFile} nor ${keyFile} was found`, {
          causes: ['the key was never generated', 'BIND is configured under another directory'],
          remedy: `run \`rndc-confgen -a\` (writes ${defaultKeyFile}, read by both named and rndc), or pass configFile / keyFile`,
        }),
      );
    }
    return keyOnly(options, keyFile);
  }
  const warnings: string[] = [];
  if (options.configFile === undefined && (await exists(keyFile))) {
    warnings.push(
      `key file (${keyFile}) exists, but using default configuration file (${configFile})`,
    );
  }
  return fromConfig(options, configFile, warnings);
}
