/**
 * Runs an nsupdate script with nsupdate's semantics (bin/nsupdate/nsupdate.c in BIND): the same
 * commands, relative names made absolute against the root, `send` or a blank line to send,
 * nsupdate's output for failures and its exit status — over this library's verified client.
 *
 * `stdout` is nsupdate's stdout byte for byte (`show` and `answer` in BIND's debug layout, the
 * reply's TSIG pseudosection included), except the message IDs and the TSIG times and MACs,
 * which differ from run to run.
 *
 * Three deliberate differences, all to avoid nsupdate's traps (the CLI runs a script typed on a
 * terminal line by line instead, as nsupdate does):
 * - the whole script is checked before anything is sent; nsupdate runs the lines before a syntax
 *   error, leaving a half-applied change behind;
 * - a `send` that would send an update with no server known (no `server` command before it, no
 *   `server` option) is refused up front, nothing sent (`no-server`); nsupdate would look up the
 *   zone's primary through resolv.conf, and sends the batches before it;
 * - pending changes that nsupdate silently drops (end of input without `send`, or `quit`) are
 *   reported as warnings.
 */

import type { Key, KeySpec } from '../keys/key.js';
import { Err, Ok, type Result } from '../result.js';
import { UpdateClient, type UpdateResponse } from './client.js';
import type { UpdateError, UpdateReplyHeader } from './errors.js';
import {
  CLASS_ANY,
  CLASS_IN,
  CLASS_NONE,
  OPCODE_UPDATE,
  RCODES,
  TYPE_ANY,
  TYPE_SOA,
  type UpdateMessage,
  type WireRecord,
} from './message.js';
import { Name, parseName } from './names.js';
import { nsupdateHelpText } from './nsupdate-help.js';
import {
  type NsupdateBindVersion,
  type NsupdateCommand,
  type NsupdatePrereqCommand,
  type NsupdateScript,
  type NsupdateSendCommand,
  NsupdateSyntaxError,
  type NsupdateUpdateCommand,
  type NsupdateWarning,
  parseNsupdateScript,
} from './nsupdate-parse.js';
import { classToText, formatRdata, typeToText } from './rdata.js';
import { Update } from './update.js';

/** Options of {@link runNsupdateScript}: nsupdate's command-line settings. */
export interface NsupdateRunOptions {
  /** The key (`-k`/`-y`); a `key` command in the script overrides it. */
  readonly key?: Key | KeySpec | undefined;
  /**
   * Server when the script has no `server` command (yet). Required one way or the other before
   * any `send` that sends an update: otherwise the run is a `no-server` error and nothing is sent.
   */
  readonly server?: string | undefined;
  /**
   * `nsupdate -l` (localhost-only mode): the server is 127.0.0.1 unless {@link server} says
   * otherwise, and a `server` command in the script is a syntax error, as in nsupdate.
   */
  readonly localOnly?: boolean | undefined;
  /** Default port (`-p`). Default 53. */
  readonly port?: number | undefined;
  /** Always TCP (`-v`). */
  readonly tcp?: boolean | undefined;
  /** Deadline of each update. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** UDP retry interval (`-u`), milliseconds. Default 3000. */
  readonly retryIntervalMs?: number | undefined;
  /** UDP sends in all (`-r` + 1). Default 4. */
  readonly tries?: number | undefined;
  /** Name of the script in messages. */
  readonly file?: string | undefined;
  /** Whose nsupdate to follow where versions differ (see `NSUPDATE_VERSIONS`). Default 9.18. */
  readonly bindVersion?: NsupdateBindVersion | undefined;
  /** Aborts the run: the update in flight fails with `aborted`, nothing more is sent. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Called once with the parsed script when the whole script has passed every check, before
   * anything is sent (e.g. to log what is about to run). Not called for a script that is refused.
   */
  readonly onChecked?: ((script: NsupdateScript) => void) | undefined;
  /**
   * What the `version` command prints (one line, without newline), and the first line of `help`
   * (followed by a colon, as nsupdate's). Default `rndc (nsupdate script runner)`; the CLI
   * passes `rndc-js <version>`.
   */
  readonly versionLine?: string | undefined;
}

/** One `send` and what came of it. */
export interface NsupdateSend {
  /** Line of the `send` (or blank line). */
  readonly line: number;
  /** What the server answered, or why the update failed. */
  readonly result: Result<UpdateResponse, UpdateError>;
}

/** What running a script did. */
export interface NsupdateRunResult {
  /**
   * nsupdate's exit status: 0 all sent updates succeeded, 2 a server or transport failure, 1 an
   * update too large for one DNS message (nsupdate stops there with `dns_request_create: ran out
   * of space` and exit status 1; so does this runner — nothing after it is sent).
   */
  readonly exitCode: 0 | 1 | 2;
  /**
   * What nsupdate prints on stdout (`show`, `answer`, `version`, `help`), byte for byte except
   * the message IDs, TSIG times and MACs (and the text of `version` and `help`, which are this
   * runner's own).
   */
  readonly stdout: string;
  /** What nsupdate would print on stderr (`update failed: …`). */
  readonly stderr: string;
  /** One entry per `send` (or blank line) that sent an update, in script order. */
  readonly sends: readonly NsupdateSend[];
  /** Changes nsupdate would silently drop, and input it would ignore. */
  readonly warnings: readonly NsupdateWarning[];
}

type Pending = NsupdatePrereqCommand | NsupdateUpdateCommand;

/**
 * Runs `text` as nsupdate would. Nothing is sent, and the result is an error value, when the
 * script is one nsupdate would reject (`syntax`), uses something this library does not support
 * (`unsupported`), or has a `send` that would send an update with no server to send it to
 * (`no-server`: no `server` command before it and no `server` option; the error names the line of
 * that `send`). Failures of individual updates are in the result (`exitCode` 2, `stderr`,
 * `sends`).
 */
export async function runNsupdateScript(
  text: string,
  options: NsupdateRunOptions = {},
): Promise<Result<NsupdateRunResult, NsupdateSyntaxError>> {
  const file = options.file || '<script>';
  const parsed = parseNsupdateScript(text, {
    ...(options.file ? { file: options.file } : {}),
    ...(options.localOnly ? { localOnly: true } : {}),
    ...(options.bindVersion ? { bindVersion: options.bindVersion } : {}),
  });
  if (parsed.isErr()) return Err(parsed.error);
  const defaultServer = options.server || (options.localOnly ? '127.0.0.1' : undefined);
  const orphan = sendWithoutServer(parsed.value.commands, defaultServer !== undefined);
  if (orphan !== undefined) {
    return Err(
      new NsupdateSyntaxError({
        kind: 'no-server',
        message: `${file}:${orphan.line}: this send has no server: this library does not look up the zone's primary through resolv.conf as nsupdate does`,
        causes: [
          "no 'server' command before this send, and no server option (nsupdate -l or the server of runNsupdateScript)",
        ],
        remedy:
          "add a 'server ADDRESS [PORT]' line before the first send, or pass the server option",
        file,
        line: orphan.line,
      }),
    );
  }
  options.onChecked?.(parsed.value);
  return Ok(await runCommands(parsed.value.commands, parsed.value.warnings, options));
}

/**
 * Runs parsed commands in order (the state machine of {@link runNsupdateScript}); `commands` may
 * arrive one at a time (a terminal). `onOutput` receives the text each command printed, as soon
 * as it is done.
 */
async function runCommands(
  commands: Iterable<NsupdateCommand> | AsyncIterable<NsupdateCommand>,
  warnings: readonly NsupdateWarning[],
  options: NsupdateRunOptions,
  onOutput?: (stdout: string, stderr: string) => void,
): Promise<NsupdateRunResult> {
  const file = options.file || '<script>';
  const defaultServer = options.server || (options.localOnly ? '127.0.0.1' : undefined);
  const versionLine = options.versionLine ?? 'rndc (nsupdate script runner)';
  const state = {
    server: defaultServer,
    port: options.port ?? 53,
    local: undefined as string | undefined,
    zone: undefined as string | undefined,
    key: options.key,
    pending: [] as Pending[],
    /** The reply `answer` prints; every `send` forgets the previous one, as nsupdate does. */
    lastAnswer: undefined as UpdateReplyHeader | undefined,
  };
  let stdout = '';
  let stderr = '';
  const flushed = { stdout: 0, stderr: 0 };
  let failed = false;
  let fatal = false;
  const sends: NsupdateSend[] = [];
  const clients = new Map<string, UpdateClient>();
  const keyIds = new Map<Key | KeySpec, number>();
  const keyIdentity = (key: Key | KeySpec): number => {
    const found = keyIds.get(key);
    if (found !== undefined) return found;
    keyIds.set(key, keyIds.size);
    return keyIds.size - 1;
  };

  const clientFor = (): Result<UpdateClient, string> => {
    if (!state.server)
      return Err('no server: give a `server` command in the script or the `server` option');
    const key = state.key;
    // The key by identity, not by name: a later `key` line with the same name and another
    // secret must sign with that secret, as nsupdate does.
    const id = `${state.server}#${state.port}#${state.local ?? ''}#${key === undefined ? 'unsigned' : keyIdentity(key)}`;
    let client = clients.get(id);
    if (!client) {
      client = new UpdateClient({
        server: state.server,
        port: state.port,
        ...(key !== undefined ? { key } : {}),
        ...(state.local !== undefined ? { sourceAddress: state.local } : {}),
        ...(options.tcp ? { tcp: true } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.retryIntervalMs !== undefined
          ? { retryIntervalMs: options.retryIntervalMs }
          : {}),
        ...(options.tries !== undefined ? { tries: options.tries } : {}),
      });
      clients.set(id, client);
    }
    return Ok(client);
  };

  try {
    for await (const command of commands) {
      switch (command.kind) {
        case 'server':
          state.server = command.host;
          state.port = command.port ?? options.port ?? 53;
          break;
        case 'local':
          state.local = command.address;
          break;
        case 'zone':
          state.zone = command.zone;
          break;
        case 'key':
          state.key = command.key;
          break;
        case 'prereq':
        case 'update':
          state.pending.push(command);
          break;
        case 'show': {
          const update = buildUpdate(state.zone, state.pending, command.zoneClass);
          stdout += nsupdateShowText(
            state.zone === undefined ? undefined : { name: update.origin, class: update.zoneClass },
            update.prerequisites,
            update.updates,
          );
          break;
        }
        case 'answer':
          if (state.lastAnswer) stdout += nsupdateAnswerText(state.lastAnswer);
          break;
        case 'send': {
          const pending = state.pending;
          state.pending = [];
          state.lastAnswer = undefined;
          if (!sendsUpdate(command, state.zone !== undefined)) break;
          const update = buildUpdate(state.zone, pending, command.zoneClass);
          const client = clientFor();
          // Not reached: a send without a server is refused up front (`no-server`).
          if (client.isErr()) {
            stderr += `${client.error}\n`;
            failed = true;
            break;
          }
          const result = await client.value.send(
            update,
            options.signal ? { signal: options.signal } : {},
          );
          sends.push({ line: command.line, result });
          if (result.isErr() && result.error.kind === 'too-large') {
            // nsupdate's fatal(): one line, exit 1, the rest of the script is not run.
            stderr += `${file}:${command.line}: ${result.error.message}; split it into several sends\n`;
            fatal = true;
            return finish();
          }
          if (result.isErr() && unreachableForZoneLookup(result.error)) {
            // No `zone`: nsupdate's SOA query found no server. It prints the failure, then
            // `could not reach any name server`, and exits 1 without running the rest.
            stderr += `${nsupdateFailureText(result.error)}could not reach any name server\n`;
            fatal = true;
            return finish();
          }
          if (result.isOk()) {
            state.lastAnswer = result.value.reply;
          } else {
            // nsupdate keeps a failed reply for `answer`; a transport failure leaves none.
            state.lastAnswer = result.error.reply;
            failed = true;
            stderr += nsupdateFailureText(result.error);
          }
          break;
        }
        case 'version':
          stdout += `${versionLine}\n`;
          break;
        case 'help':
          stdout += nsupdateHelpText(versionLine);
          break;
        case 'quit':
          return finish();
        default:
          // class, ttl, check-names, check-svcb: applied by the parser; debug: nothing to do.
          break;
      }
      flush();
    }
    return finish();
  } finally {
    for (const client of clients.values()) client.close();
  }

  function finish(): NsupdateRunResult {
    flush();
    return { exitCode: fatal ? 1 : failed ? 2 : 0, stdout, stderr, sends, warnings };
  }

  function flush(): void {
    if (!onOutput || (stdout.length === flushed.stdout && stderr.length === flushed.stderr)) {
      return;
    }
    onOutput(stdout.slice(flushed.stdout), stderr.slice(flushed.stderr));
    flushed.stdout = stdout.length;
    flushed.stderr = stderr.length;
  }
}

/**
 * Whether a `send` sends an update: with something pending, or with nothing pending when a zone
 * is set (nsupdate then sends an empty update; named answers NOERROR and changes nothing).
 */
function sendsUpdate(command: NsupdateSendCommand, zoneSet: boolean): boolean {
  return command.pendingLines.length > 0 || zoneSet;
}

/**
 * The first `send` that would send an update with no server known: walks the commands as the
 * runner does (`server` sets the server for what follows; the parser stops at `quit`).
 */
function sendWithoutServer(
  commands: readonly NsupdateCommand[],
  hasDefaultServer: boolean,
): NsupdateSendCommand | undefined {
  let server = hasDefaultServer;
  let zoneSet = false;
  for (const command of commands) {
    if (command.kind === 'server') server = true;
    else if (command.kind === 'zone') zoneSet = true;
    else if (command.kind === 'send' && !server && sendsUpdate(command, zoneSet)) return command;
    else if (command.kind === 'quit') break;
  }
  return undefined;
}

/**
 * The update exactly as nsupdate builds it, record by record (class NONE or ANY where nsupdate
 * writes them, type 0 in a prerequisite, data read at parse time in the record's own class). It
 * may also be empty: for `zone X` + `send` with nothing pending, nsupdate sends an UPDATE with
 * empty sections and named answers NOERROR (the `Update` builder refuses both).
 */
class NsupdateUpdate extends Update {
  readonly #zoneClass: number;
  readonly #prerequisites: readonly WireRecord[];
  readonly #updates: readonly WireRecord[];

  constructor(
    zone: string | undefined,
    zoneClass: number,
    prerequisites: readonly WireRecord[],
    updates: readonly WireRecord[],
  ) {
    super(zone, { origin: '.' });
    this.#zoneClass = zoneClass;
    this.#prerequisites = prerequisites;
    this.#updates = updates;
  }

  override get zoneClass(): number {
    return this.#zoneClass;
  }

  override get problems(): readonly string[] {
    return [];
  }

  override get prerequisites(): readonly WireRecord[] {
    return this.#prerequisites;
  }

  override get updates(): readonly WireRecord[] {
    return this.#updates;
  }

  override firstOwner(): Name | undefined {
    return (this.#updates[0] ?? this.#prerequisites[0])?.name;
  }

  override toMessage(id: number, zone: Name = this.origin): Result<UpdateMessage, UpdateError> {
    return Ok({
      id,
      zone,
      zoneClass: this.#zoneClass,
      prerequisites: [...this.#prerequisites],
      updates: [...this.#updates],
    });
  }
}

const NO_DATA = Buffer.alloc(0);

/** The owner of a line: nsupdate makes names absolute against the root. */
const ownerName = (owner: string): Name => parseName(owner, Name.root).unwrapOr(Name.root);

/** One record as nsupdate's make_prereq / update_addordelete put it in the message. */
function wireRecord(command: Pending): { section: 'prerequisite' | 'update'; record: WireRecord } {
  const name = ownerName(command.owner);
  const meta = (rdclass: number, type: number, ttl = 0): WireRecord => ({
    name,
    type,
    class: rdclass,
    ttl,
    rdata: NO_DATA,
  });
  if (command.kind === 'prereq') {
    const section = 'prerequisite';
    switch (command.condition) {
      case 'nxdomain':
        return { section, record: meta(CLASS_NONE, TYPE_ANY) };
      case 'yxdomain':
        return { section, record: meta(CLASS_ANY, TYPE_ANY) };
      case 'nxrrset':
        return { section, record: meta(CLASS_NONE, command.typeValue) };
      case 'yxrrset':
        return {
          section,
          record:
            command.rdataWire === undefined
              ? meta(CLASS_ANY, command.typeValue)
              : { ...meta(command.rdataClass, command.typeValue), rdata: command.rdataWire },
        };
    }
  }
  const section = 'update';
  if (command.operation === 'add') {
    return {
      section,
      record: {
        ...meta(command.rdataClass, command.typeValue, command.ttl),
        rdata: command.rdataWire,
      },
    };
  }
  switch (command.scope) {
    case 'name':
      return { section, record: meta(CLASS_ANY, TYPE_ANY) };
    case 'rrset':
      return { section, record: meta(CLASS_ANY, command.typeValue) };
    case 'record':
      return {
        section,
        record: { ...meta(CLASS_NONE, command.typeValue), rdata: command.rdataWire },
      };
  }
}

/** Turns pending prereq/update lines into the update nsupdate would send. */
function buildUpdate(
  zone: string | undefined,
  pending: readonly Pending[],
  zoneClass: number,
): Update {
  const prerequisites: WireRecord[] = [];
  const updates: WireRecord[] = [];
  for (const command of pending) {
    const { section, record } = wireRecord(command);
    (section === 'prerequisite' ? prerequisites : updates).push(record);
  }
  return new NsupdateUpdate(zone, zoneClass, prerequisites, updates);
}

/** What nsupdate prints for a failed update (nsupdate.c update_completed). */
function nsupdateFailureText(error: UpdateError): string {
  const tsig = ['BADSIG', 'BADKEY', 'BADTIME', 'BADTRUNC'].includes(error.kind);
  if (tsig || error.rcode !== undefined) {
    const rcode = error.message.match(/update failed: ([A-Z0-9]+(?:\([A-Z]+\))?)/)?.[1];
    const prefix = tsig ? '; TSIG error with server: tsig indicates error\n' : '';
    return `${prefix}update failed: ${rcode ?? error.kind}\n`;
  }
  const reason = communicationFailure(error);
  if (reason !== undefined) return `; Communication with ${error.server} failed: ${reason}\n`;
  return `${error.message}\n`;
}

/**
 * BIND's text (isc_result_totext) for a failed exchange: `timed out` when nothing answered,
 * `connection refused` for an ICMP port unreachable (UDP) or a refused TCP connection. BIND
 * versions differ on the refused cases (9.16 ignores the ICMP and times out; 9.16 and 9.18 say
 * `operation canceled` for a refused TCP connection): see docs/cli-update.md.
 */
function communicationFailure(error: UpdateError): string | undefined {
  if (error.kind === 'timeout') return 'timed out';
  if (error.kind !== 'network') return undefined;
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return (code && ERRNO_TEXT[code]) ?? 'communications failure';
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  EADDRNOTAVAIL: 'address not available',
  EADDRINUSE: 'address in use',
};

/** The client's zone discovery (the SOA query of an update without `zone`) reached no server. */
function unreachableForZoneLookup(error: UpdateError): boolean {
  return (
    (error.kind === 'timeout' || error.kind === 'network') &&
    error.message.startsWith('zone discovery: ')
  );
}

// ---------------------------------------------------------------------------------------------
// nsupdate's text for `show` and `answer`: dns_message_totext with BIND's debug master style.

/** A line being laid out in BIND's columns (8-column tabs). */
class Columns {
  text: string;
  column = 0;

  /** `prefix` is written but not counted: BIND does not count the ';' of a question line. */
  constructor(prefix = '') {
    this.text = prefix;
  }

  put(text: string): this {
    this.text += text;
    this.column += text.length;
    return this;
  }

  /**
   * Moves to column `target` as BIND's masterdump `indent` does: at least one character, whole
   * tabs to the last tab stop, then spaces.
   */
  to(target: number): this {
    const to = Math.max(target, this.column + 1);
    const tabs = Math.floor(to / 8) - Math.floor(this.column / 8);
    if (tabs > 0) {
      this.text += '\t'.repeat(tabs);
      this.column = Math.floor(to / 8) * 8;
    }
    this.text += ' '.repeat(to - this.column);
    this.column = to;
    return this;
  }
}

/** Hex RDATA field that BIND splits into words of 56 digits on one line. */
const HEX_WORD = 56;
/** Types whose RDATA text ends in one hex field, and how many fields come before it. */
const HEX_TAIL_FIELDS: ReadonlyMap<number, number> = new Map([
  [43, 3], // DS: key tag, algorithm, digest type, digest
  [59, 3], // CDS
  [44, 2], // SSHFP: algorithm, type, fingerprint
  [52, 3], // TLSA: usage, selector, matching type, data
]);

/** Splits the hex at the end of `text`, after `before` space-separated fields. */
function splitHexTail(text: string, before: number): string {
  const fields = text.split(' ');
  if (fields.length !== before + 1) return text;
  const hex = fields[before] ?? '';
  if (hex.length <= HEX_WORD) return text;
  const words: string[] = [];
  for (let i = 0; i < hex.length; i += HEX_WORD) words.push(hex.slice(i, i + HEX_WORD));
  return [...fields.slice(0, before), ...words].join(' ');
}

/** RDATA as BIND's debug style prints it: the library's text with long hex split in words. */
function rdataText(type: number, rdata: Uint8Array, rdclass: number): string {
  const text = formatRdata(type, rdata, undefined, rdclass);
  if (text.startsWith('\\# ')) return `\\# ${splitHexTail(text.slice(3), 1)}`;
  const before = HEX_TAIL_FIELDS.get(type);
  return before === undefined ? text : splitHexTail(text, before);
}

/**
 * One record as nsupdate prints it: owner, TTL at column 24, class at 32, type at 40, data at 48.
 * A meta-record (RFC 2136: class ANY, or class NONE in the prerequisite section, with no data) has
 * no data text, but the data column is still reached; other empty data is `\# 0`. `zoneClass` is
 * the class the data is read in when the record's class is NONE or ANY.
 */
export function nsupdateRecordLine(
  record: WireRecord,
  section: 'prerequisite' | 'update',
  zoneClass: number = CLASS_IN,
): string {
  const meta =
    record.rdata.length === 0 &&
    (record.class === CLASS_ANY || (record.class === CLASS_NONE && section === 'prerequisite'));
  const dataClass =
    record.class === CLASS_NONE || record.class === CLASS_ANY ? zoneClass : record.class;
  return new Columns()
    .put(record.name.toString())
    .to(24)
    .put(String(record.ttl))
    .to(32)
    .put(classToText(record.class))
    .to(40)
    .put(typeToText(record.type))
    .to(48)
    .put(meta ? '' : rdataText(record.type, record.rdata, dataClass)).text;
}

/** A zone-section line: `;name`, class at column 32, type at 40 (the ';' is not counted). */
function questionLine(name: string, rdclass: number, type: number): string {
  return new Columns(';').put(name).to(32).put(classToText(rdclass)).to(40).put(typeToText(type))
    .text;
}

/** BIND's names of the header fields. */
const OPCODES = ['QUERY', 'IQUERY', 'STATUS', 'RESERVED3', 'NOTIFY', 'UPDATE'];
const FLAG_BITS: ReadonlyArray<[number, string]> = [
  [0x8000, 'qr'],
  [0x0400, 'aa'],
  [0x0200, 'tc'],
  [0x0100, 'rd'],
  [0x0080, 'ra'],
  [0x0020, 'ad'],
  [0x0010, 'cd'],
];

function headerText(
  opcode: number,
  rcode: number,
  id: number,
  flags: number,
  counts: readonly [number, number, number, number],
): string {
  const flagText = FLAG_BITS.filter(([bit]) => (flags & bit) !== 0)
    .map(([, name]) => ` ${name}`)
    .join('');
  const status = RCODES[rcode] ?? (rcode === 11 ? 'DSOTYPENI' : `RESERVED${rcode}`);
  return (
    `;; ->>HEADER<<- opcode: ${OPCODES[opcode] ?? `RESERVED${opcode}`}, status: ${status}, id: ${String(id).padStart(6)}\n` +
    `;; flags:${flagText}; ZONE: ${counts[0]}, PREREQ: ${counts[1]}, UPDATE: ${counts[2]}, ADDITIONAL: ${counts[3]}\n`
  );
}

function sectionText(title: string, lines: readonly string[]): string {
  return lines.length === 0 ? '' : `;; ${title} SECTION:\n${lines.map((l) => `${l}\n`).join('')}\n`;
}

/**
 * What nsupdate's `show` prints for the pending message: `Outgoing update query:`, a header with
 * ID 0 and zero counts (the message is not rendered yet), the zone section only once a `zone`
 * command has set it, then the prerequisite and update sections that have records.
 */
export function nsupdateShowText(
  zone: { readonly name: Name; readonly class: number } | undefined,
  prerequisites: readonly WireRecord[],
  updates: readonly WireRecord[],
): string {
  const zoneClass = zone?.class ?? CLASS_IN;
  return (
    `Outgoing update query:\n${headerText(OPCODE_UPDATE, 0, 0, 0, [0, 0, 0, 0])}` +
    sectionText('ZONE', zone ? [questionLine(zone.name.toString(), zone.class, TYPE_SOA)] : []) +
    sectionText(
      'PREREQUISITE',
      prerequisites.map((r) => nsupdateRecordLine(r, 'prerequisite', zoneClass)),
    ) +
    sectionText(
      'UPDATE',
      updates.map((r) => nsupdateRecordLine(r, 'update', zoneClass)),
    )
  );
}

/**
 * What nsupdate's `answer` prints for a reply: `Answer:`, the header (ID, status, flags, counts as
 * received), the zone section and, for a signed reply, the TSIG pseudosection — the reply's TSIG
 * record with its MAC, as nsupdate shows it (the MAC went over the wire; the secret is never in
 * it). named's update replies carry nothing else.
 */
export function nsupdateAnswerText(reply: UpdateReplyHeader): string {
  return (
    `Answer:\n${headerText(reply.opcode, reply.rcode, reply.id, reply.flags, reply.counts)}` +
    sectionText(
      'ZONE',
      reply.zone ? [questionLine(reply.zone.name, reply.zone.class, reply.zone.type)] : [],
    ) +
    (reply.tsig ? `;; TSIG PSEUDOSECTION:\n${tsigLine(reply.tsig)}\n\n` : '')
  );
}

/** BIND's names of TSIG errors (RFC 8945 §3; dns_tsigrcode_totext), else the RCODE's name. */
const TSIG_ERRORS: Readonly<Record<number, string>> = {
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
  19: 'BADMODE',
  20: 'BADNAME',
  21: 'BADALG',
  22: 'BADTRUNC',
};

/** Base64 in words of 56 characters on one line, as BIND's debug style writes a MAC. */
function base64Words(bytes: Buffer): string {
  const text = bytes.toString('base64');
  const words: string[] = [];
  for (let i = 0; i < text.length; i += 56) words.push(text.slice(i, i + 56));
  return words.join(' ');
}

/**
 * The TSIG record in the layout of the other records (TTL 0, class ANY): algorithm, time,
 * fudge, MAC size, the MAC (left out when empty), original ID, error, other size and data —
 * measured on nsupdate 9.16, 9.18 and 9.20, whose output ends in `0 ` when there is no other data.
 */
function tsigLine(tsig: NonNullable<UpdateReplyHeader['tsig']>): string {
  const error = TSIG_ERRORS[tsig.error] ?? RCODES[tsig.error] ?? String(tsig.error);
  const mac = tsig.mac.length > 0 ? ` ${base64Words(tsig.mac)}` : '';
  const data =
    `${tsig.algorithm} ${tsig.timeSigned} ${tsig.fudge} ${tsig.mac.length}${mac} ` +
    `${tsig.originalId} ${error} ${tsig.otherData.length} ${base64Words(tsig.otherData)}`;
  return new Columns()
    .put(tsig.keyName)
    .to(24)
    .put('0')
    .to(32)
    .put('ANY')
    .to(40)
    .put('TSIG')
    .to(48)
    .put(data).text;
}

/** Options of {@link runNsupdateInteractive}. */
export interface NsupdateInteractiveOptions extends NsupdateRunOptions {
  /** Shows the prompt (nsupdate's `> ` on stdout) before each line is read. */
  readonly prompt?: (() => void) | undefined;
  /** Receives what each command printed, as soon as it has run. */
  readonly onOutput: (stdout: string, stderr: string) => void;
}

/**
 * nsupdate on a terminal: each line runs as it is typed — `send` (or a blank line) sends at
 * once, `show` and `answer` print at once. A line nsupdate refuses prints its message (without
 * the `syntax error` line nsupdate adds only when reading a file or a pipe) and is dropped; the
 * session goes on, as nsupdate's does. There is no check of the whole input first: there is no
 * whole input. Ends at the end of `lines` (Ctrl-D) or `quit`. The result's `stdout`/`stderr`
 * repeat what went to `onOutput`; `exitCode` is 2 when an update failed, else 0 (1 for an
 * update too large to send or a zone lookup that reached no server, which end the session).
 */
export async function runNsupdateInteractive(
  lines: AsyncIterable<string>,
  options: NsupdateInteractiveOptions,
): Promise<NsupdateRunResult> {
  const parseOptions = {
    ...(options.file ? { file: options.file } : {}),
    ...(options.localOnly ? { localOnly: true } : {}),
  };
  // The lines accepted so far, parsed again with each new one: the parser's state (zone, class,
  // TTL, pending lines of the next send) is the state of the whole session.
  let accepted = '';
  let seen = 0;
  async function* commands(): AsyncGenerator<NsupdateCommand> {
    const iterator = lines[Symbol.asyncIterator]();
    for (;;) {
      options.prompt?.();
      const next = await iterator.next();
      if (next.done) return;
      const parsed = parseNsupdateScript(`${accepted}${next.value}\n`, parseOptions);
      if (parsed.isErr()) {
        const text = parsed.error.nsupdateStderr ?? `${parsed.error.message}\n`;
        options.onOutput('', text.replace(/(^|\n)syntax error\n$/, '$1'));
        continue;
      }
      accepted += `${next.value}\n`;
      const fresh = parsed.value.commands.slice(seen);
      seen = parsed.value.commands.length;
      yield* fresh;
    }
  }
  return runCommands(commands(), [], options, options.onOutput);
}
