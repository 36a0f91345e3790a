/**
 * A DNS server as the CLI's options name it: `HOST`, `HOST:PORT`, `[IPV6]:PORT` or a bare IPv6
 * address, optionally followed by `,key=FILE` (its own TSIG key, a key file as `nsupdate -k`
 * reads) or `,unsigned` (queried without TSIG even when the command has a default key).
 * `propagation --server` and `watch --secondary` take this form.
 */
import { isIP } from 'node:net';
import type { Key } from '../keys/key.js';
import { Ok, type Result } from '../result.js';
import { parseWholeNumber } from './args.js';
import type { CliIo } from './io.js';
import { type Failure, type JsonUpdateWarning, loadKey } from './update.js';

/** `HOST`, `HOST:PORT`, `[V6]:PORT` or a bare IPv6 address; undefined when malformed. */
export function parseServer(text: string): { host: string; port: number } | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2];
  } else if (isIP(text) === 6) {
    host = text;
  } else {
    const colon = text.lastIndexOf(':');
    host = colon === -1 ? text : text.slice(0, colon);
    portText = colon === -1 ? undefined : text.slice(colon + 1);
  }
  if (host === '' || (bracketed && isIP(host) !== 6) || /[\s/]/.test(host)) return undefined;
  const port = portText === undefined ? 53 : parseWholeNumber(portText, 1, 65_535);
  return port === undefined ? undefined : { host, port };
}

/** A server with what its suffix says about its TSIG key. */
export interface ServerSpec {
  readonly host: string;
  readonly port: number;
  /** The address part as given (a label for reports). */
  readonly label: string;
  /** `,key=FILE`: the key file of this server's queries. */
  readonly keyFile?: string;
  /** `,unsigned`: no TSIG for this server. */
  readonly unsigned: boolean;
}

/** `HOST[:PORT][,key=FILE|,unsigned]` given to `--OPTION`, or what is wrong with it. */
export function parseServerSpec(value: string, option: string): ServerSpec | string {
  const [address = '', ...suffixes] = value.split(',');
  const server = parseServer(address);
  if (!server)
    return `--${option} '${value}': use HOST, HOST:PORT or [IPV6]:PORT, optionally followed by ,key=FILE or ,unsigned`;
  let keyFile: string | undefined;
  let unsigned = false;
  for (const suffix of suffixes) {
    if (suffix === 'unsigned') unsigned = true;
    else if (suffix.startsWith('key=') && suffix.length > 4 && keyFile === undefined)
      keyFile = suffix.slice(4);
    else return `--${option} '${value}': '${suffix}' is not key=FILE or unsigned (once)`;
  }
  if (unsigned && keyFile !== undefined)
    return `--${option} '${value}': key=FILE or unsigned, not both`;
  return { ...server, label: address, unsigned, ...(keyFile !== undefined ? { keyFile } : {}) };
}

/**
 * Each server's own TSIG key, in order: its `key=FILE` read as `nsupdate -k` reads a key file,
 * `null` for `,unsigned`, undefined for the command's default. The first file that cannot be
 * read, or holds no usable key, is the error (naming it).
 */
export async function serverKeys(
  specs: readonly ServerSpec[],
  io: CliIo,
  warnings: JsonUpdateWarning[],
): Promise<Result<(Key | null | undefined)[], Failure>> {
  const keys: (Key | null | undefined)[] = [];
  for (const spec of specs) {
    if (spec.keyFile === undefined) {
      keys.push(spec.unsigned ? null : undefined);
      continue;
    }
    const key = await loadKey(
      { keyFile: spec.keyFile, keyString: undefined, local: false },
      io,
      warnings,
    );
    if (key.isErr()) return key;
    keys.push(key.value);
  }
  return Ok(keys);
}
