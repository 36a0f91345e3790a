/**
 * rndc.conf: parsed into a generic statement tree (includes expanded), then interpreted.
 *
 * ```
 * key <name> { algorithm <alg>; secret "<base64>"; };                 // may repeat
 * options { default-server <host>; default-key <name>; default-port <int>;
 *           default-source-address ( <ipv4> | * ); default-source-address-v6 ( <ipv6> | * ); };
 * server <host> { key <name>; port <int>; addresses { <host> [ port <int> ]; … };
 *                 source-address ( <ipv4> | * ); source-address-v6 ( <ipv6> | * ); };
 * ```
 *
 * Differences from the rndc tool, all deliberate: unknown statements and clauses are ignored
 * with a warning (rndc refuses the file); every `key` is validated even when unused (rndc only
 * checks the one it uses); a key defined twice keeps its first definition (as rndc) with a
 * warning. The key-file readers live in `keyfile.ts` and are re-exported here.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { ConfigError, SourceLocation } from '../errors.js';
import { Err, Ok, type Result } from '../result.js';
import { labelledBlock, locate, plainBlock, readClauses, singleValue, uint32 } from './clauses.js';
import type { Key } from './key.js';
import { keyFromStatement } from './keyblock.js';
import { type IncludeOptions, type LoadedConfig, loadConfigFile, loadConfigText } from './load.js';
import { asciiLower, configError, echo, quoteName, where } from './problems.js';
import { describePart, keyword, type Statement } from './tree.js';

/** The `options { … };` statement of an rndc.conf. Absent clauses are `undefined`. */
export interface RndcOptions {
  /** `default-server`: the server used when none is given. */
  readonly defaultServer: string | undefined;
  /** `default-key`: the key used when the server names none. */
  readonly defaultKey: string | undefined;
  /** As written; the rndc tool refuses 0 and values over 65535 when it uses one. */
  readonly defaultPort: number | undefined;
  /** An IPv4 address, or `*` for any. */
  readonly defaultSourceAddress: string | undefined;
  /** An IPv6 address, or `*` for any. */
  readonly defaultSourceAddressV6: string | undefined;
  /** Where the `options` statement is. */
  readonly location: SourceLocation;
  /** Where each clause present is, by clause name (`default-key` …). */
  readonly clauseLocations: ReadonlyMap<string, SourceLocation>;
}

/** One entry of a server's `addresses { … };`. */
export interface RndcServerAddress {
  /** An IP address or a host name (quoted names are host names). */
  readonly host: string;
  /** Its own port; `undefined` means the port rndc resolves for the server. */
  readonly port: number | undefined;
  /** Where the address was written. */
  readonly location: SourceLocation;
}

/** A `server <name> { … };` statement. */
export interface RndcServer {
  /** The name rndc's `-s` is compared with (ignoring ASCII case). */
  readonly name: string;
  /** Name of the key to use with this server. */
  readonly key: string | undefined;
  /** The server's `port`, if set. */
  readonly port: number | undefined;
  /** `undefined` when there is no `addresses` clause. */
  readonly addresses: readonly RndcServerAddress[] | undefined;
  /** An IPv4 address, or `*` for any. */
  readonly sourceAddress: string | undefined;
  /** An IPv6 address, or `*` for any. */
  readonly sourceAddressV6: string | undefined;
  /** Where the `server` statement starts. */
  readonly location: SourceLocation;
  /** Where each clause present is, by clause name (`key`, `port` …). */
  readonly clauseLocations: ReadonlyMap<string, SourceLocation>;
}

/** A parsed rndc.conf. */
export interface RndcConf {
  /** The main file. */
  readonly file: string;
  /** Every file read: the main file, then included files in the order read. */
  readonly files: readonly string[];
  /**
   * Keys by name **lower-cased (ASCII)**, since rndc compares key names ignoring case:
   * look up with `keys.get(name.toLowerCase())`. `Key.name` keeps the original spelling.
   */
  readonly keys: ReadonlyMap<string, Key>;
  /** The `options` statement, `undefined` when there is none. */
  readonly options: RndcOptions | undefined;
  /** `server` statements in file order; rndc uses the first whose name matches. */
  readonly servers: readonly RndcServer[];
  /** `file:line: …` notes about ignored statements and clauses. */
  readonly warnings: readonly string[];
}

/** Options of {@link parseRndcConf}: the text's file name and how includes are read. */
export interface ParseRndcConfOptions extends IncludeOptions {
  /** Name of the file the text comes from: used in messages and to resolve relative includes. */
  readonly file: string;
}

type Warn = (warning: string) => void;

function warnIgnored(statement: Statement, context: string, warn: Warn): void {
  const name = keyword(statement);
  const shown = name ? echo(statement.words[0]?.text ?? name) : "a '{' block";
  warn(`${statement.file}:${statement.line}: unknown ${context} ${shown} ignored`);
}

function sourceAddress(statement: Statement, family: 4 | 6): Result<string, ConfigError> {
  const value = singleValue(statement);
  if (value.isErr()) return value;
  const text = value.value.text;
  if (text === '*' || (family === 4 ? isIPv4(text) : isIPv6(text))) return Ok(text);
  return Err(
    configError(
      'syntax',
      locate(statement, value.value),
      `expected an IPv${family} address or '*' near ${describePart(value.value)}`,
    ),
  );
}

function portNumber(statement: Statement): Result<number, ConfigError> {
  const value = singleValue(statement);
  if (value.isErr()) return value;
  return uint32(statement, value.value);
}

function parseOptions(statement: Statement, warn: Warn): Result<RndcOptions, ConfigError> {
  const block = plainBlock(statement, 'options');
  if (block.isErr()) return block;
  const clauses = readClauses(
    block.value,
    {
      'default-server': (clause) => singleValue(clause),
      'default-key': (clause) => singleValue(clause),
      'default-port': portNumber,
      'default-source-address': (clause) => sourceAddress(clause, 4),
      'default-source-address-v6': (clause) => sourceAddress(clause, 6),
    },
    (clause) => warnIgnored(clause, 'option', warn),
  );
  if (clauses.isErr()) return clauses;
  const { values, locations } = clauses.value;
  return Ok({
    defaultServer: values['default-server']?.text,
    defaultKey: values['default-key']?.text,
    defaultPort: values['default-port'],
    defaultSourceAddress: values['default-source-address'],
    defaultSourceAddressV6: values['default-source-address-v6'],
    location: locate(statement),
    clauseLocations: locations,
  });
}

function parseAddress(entry: Statement): Result<RndcServerAddress, ConfigError> {
  const [host, portWord, portValue, extra] = entry.parts;
  if (host?.kind !== 'word') {
    return Err(configError('syntax', locate(entry), 'expected an address or host name'));
  }
  const isAddress = !host.quoted && (isIPv4(host.text) || isIPv6(host.text));
  const location = locate(entry, host);
  if (portWord === undefined) return Ok({ host: host.text, port: undefined, location });
  if (portWord.kind !== 'word' || asciiLower(portWord.text) !== 'port') {
    return Err(
      configError(
        'syntax',
        locate(entry, portWord),
        `missing ';' before ${describePart(portWord)}`,
      ),
    );
  }
  if (portValue === undefined || portValue.kind !== 'word') {
    return Err(configError('syntax', locate(entry, portWord), "'port' needs a number"));
  }
  if (extra !== undefined) {
    return Err(
      configError('syntax', locate(entry, extra), `missing ';' before ${describePart(extra)}`),
    );
  }
  const port = uint32(entry, portValue);
  if (port.isErr()) return port;
  if (port.value > 65535 || (port.value === 0 && !isAddress)) {
    return Err(
      configError('syntax', locate(entry, portValue), `port number ${port.value} out of range`),
    );
  }
  // rndc treats port 0 on an IP address as "not given".
  return Ok({ host: host.text, port: port.value === 0 ? undefined : port.value, location });
}

function parseServer(statement: Statement, warn: Warn): Result<RndcServer, ConfigError> {
  const shape = labelledBlock(statement, 'server');
  if (shape.isErr()) return shape;
  const name = shape.value.label.text;
  const clauses = readClauses(
    shape.value.block,
    {
      key: (clause) => singleValue(clause),
      port: portNumber,
      addresses: parseAddresses,
      'source-address': (clause) => sourceAddress(clause, 4),
      'source-address-v6': (clause) => sourceAddress(clause, 6),
    },
    (clause) => warnIgnored(clause, `clause in server ${quoteName(name)}:`, warn),
  );
  if (clauses.isErr()) return clauses;
  const { values, locations } = clauses.value;
  return Ok({
    name,
    key: values.key?.text,
    port: values.port,
    addresses: values.addresses,
    sourceAddress: values['source-address'],
    sourceAddressV6: values['source-address-v6'],
    location: locate(statement),
    clauseLocations: locations,
  });
}

function parseAddresses(clause: Statement): Result<RndcServerAddress[], ConfigError> {
  const block = plainBlock(clause, 'addresses');
  if (block.isErr()) return block;
  const list: RndcServerAddress[] = [];
  for (const entry of block.value) {
    const address = parseAddress(entry);
    if (address.isErr()) return address;
    list.push(address.value);
  }
  return Ok(list);
}

/** Gives meaning to the statements of an rndc.conf (includes already expanded). */
export function interpretRndcConf(
  loaded: LoadedConfig,
  file: string,
): Result<RndcConf, ConfigError> {
  const warnings: string[] = [];
  const warn: Warn = (warning) => warnings.push(warning);
  const keys = new Map<string, Key>();
  const servers: RndcServer[] = [];
  let options: RndcOptions | undefined;
  for (const statement of loaded.statements) {
    switch (keyword(statement)) {
      case 'key': {
        const key = keyFromStatement(statement, warn);
        if (key.isErr()) return key;
        const id = asciiLower(key.value.name);
        const first = keys.get(id);
        if (first) {
          const at = first.location ? ` (first at ${where(first.location)})` : '';
          warn(
            `${statement.file}:${statement.line}: key ${quoteName(key.value.name)} defined again${at}; rndc uses the first definition`,
          );
        } else {
          keys.set(id, key.value);
        }
        break;
      }
      case 'options': {
        if (options) {
          return Err(configError('syntax', locate(statement), "'options' redefined"));
        }
        const parsed = parseOptions(statement, warn);
        if (parsed.isErr()) return parsed;
        options = parsed.value;
        break;
      }
      case 'server': {
        const server = parseServer(statement, warn);
        if (server.isErr()) return server;
        servers.push(server.value);
        break;
      }
      default:
        warnIgnored(statement, 'statement', warn);
    }
  }
  return Ok({ file, files: loaded.files, keys, options, servers, warnings });
}

/**
 * Parses rndc.conf text. `options.file` names it (messages, relative includes); includes are
 * read with `options.readFile` (default: from disk) and resolved against `options.baseDir`
 * (default: the including file's directory; BIND uses the working directory).
 *
 * Errors name file and line: `syntax`, `invalid-key`, `unsupported-algorithm`,
 * `include-loop`, `file-unreadable` (an included file).
 */
export async function parseRndcConf(
  text: string,
  options: ParseRndcConfOptions,
): Promise<Result<RndcConf, ConfigError>> {
  const loaded = await loadConfigText(text, options.file, options);
  if (loaded.isErr()) return loaded;
  return interpretRndcConf(loaded.value, options.file);
}

/** Reads and parses an rndc.conf file; see {@link parseRndcConf}. */
export async function loadRndcConf(
  path: string,
  options: IncludeOptions = {},
): Promise<Result<RndcConf, ConfigError>> {
  const loaded = await loadConfigFile(path, options);
  if (loaded.isErr()) return loaded;
  return interpretRndcConf(loaded.value, path);
}
