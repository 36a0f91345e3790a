/**
 * Runs an nsupdate script with nsupdate's semantics (research/update-tsig.md §3): the same
 * commands, relative names made absolute against the root, `send` or a blank line to send,
 * nsupdate's output for failures and its exit status — over this library's verified client.
 *
 * Two deliberate differences, both to avoid nsupdate's traps:
 * - the whole script is checked before anything is sent; nsupdate runs the lines before a syntax
 *   error, leaving a half-applied change behind;
 * - pending changes that nsupdate silently drops (end of input without `send`, or `quit`) are
 *   reported as warnings.
 */
import { Err, Ok, type Result } from 'ts-results-es';
import { Key, type KeySpec } from '../keys/key.js';
import { UpdateClient, type UpdateResponse } from './client.js';
import type { UpdateError } from './errors.js';
import {
  type NsupdatePrereqCommand,
  type NsupdateSyntaxError,
  type NsupdateUpdateCommand,
  type NsupdateWarning,
  parseNsupdateScript,
} from './nsupdate-parse.js';
import { classToText } from './rdata.js';
import { Update } from './update.js';

/** Options of {@link runNsupdateScript}: nsupdate's command-line settings. */
export interface NsupdateRunOptions {
  /** The key (`-k`/`-y`); a `key` command in the script overrides it. */
  readonly key?: Key | KeySpec;
  /** Server when the script has no `server` command. Required one way or the other. */
  readonly server?: string;
  /** Default port (`-p`). Default 53. */
  readonly port?: number;
  /** Always TCP (`-v`). */
  readonly tcp?: boolean;
  /** Deadline of each update. Default 30 s. */
  readonly timeoutMs?: number;
  /** UDP retry interval (`-u`), milliseconds. Default 3000. */
  readonly retryIntervalMs?: number;
  /** UDP sends in all (`-r` + 1). Default 4. */
  readonly tries?: number;
  /** Name of the script in messages. */
  readonly file?: string;
  readonly signal?: AbortSignal;
}

/** One `send` and what came of it. */
export interface NsupdateSend {
  /** Line of the `send` (or blank line). */
  readonly line: number;
  readonly result: Result<UpdateResponse, UpdateError>;
}

/** What running a script did. */
export interface NsupdateRunResult {
  /** nsupdate's exit status: 0 all sent updates succeeded, 2 a server or transport failure. */
  readonly exitCode: 0 | 2;
  /** What nsupdate would print on stdout (`show`, `answer`). */
  readonly stdout: string;
  /** What nsupdate would print on stderr (`update failed: …`). */
  readonly stderr: string;
  readonly sends: readonly NsupdateSend[];
  /** Changes nsupdate would silently drop, and input it would ignore. */
  readonly warnings: readonly NsupdateWarning[];
}

type Pending = NsupdatePrereqCommand | NsupdateUpdateCommand;

/**
 * Runs `text` as nsupdate would. A script nsupdate would reject is an error value and nothing is
 * sent. Failures of individual updates are in the result (`exitCode` 2, `stderr`, `sends`).
 */
export async function runNsupdateScript(
  text: string,
  options: NsupdateRunOptions = {},
): Promise<Result<NsupdateRunResult, NsupdateSyntaxError>> {
  const parsed = parseNsupdateScript(text, options.file ? { file: options.file } : {});
  if (parsed.isErr()) return Err(parsed.error);
  const state = {
    server: options.server,
    port: options.port ?? 53,
    local: undefined as string | undefined,
    zone: undefined as string | undefined,
    key: options.key,
    pending: [] as Pending[],
    lastAnswer: undefined as string | undefined,
  };
  let stdout = '';
  let stderr = '';
  let failed = false;
  const sends: NsupdateSend[] = [];
  const clients = new Map<string, UpdateClient>();

  const clientFor = (): Result<UpdateClient, string> => {
    if (!state.server)
      return Err('no server: give a `server` command in the script or the `server` option');
    const key = state.key;
    const id = `${state.server}#${state.port}#${state.local ?? ''}#${key instanceof Key ? `${key.name}/${key.algorithm}/${key.truncatedBits}` : JSON.stringify(key?.name ?? null)}`;
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
    for (const command of parsed.value.commands) {
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
        case 'show':
          stdout += `Outgoing update query:\n${buildUpdate(state.zone, state.pending, classOf(state.pending)).toString()}\n\n`;
          break;
        case 'answer':
          if (state.lastAnswer) stdout += `Answer:\n${state.lastAnswer}\n\n`;
          break;
        case 'send': {
          const pending = state.pending;
          state.pending = [];
          if (pending.length === 0) break;
          const update = buildUpdate(state.zone, pending, command.zoneClass);
          const client = clientFor();
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
          if (result.isOk()) {
            state.lastAnswer = `;; ->>HEADER<<- opcode: UPDATE, status: NOERROR, id: ${result.value.id}\n;; ZONE SECTION:\n;${result.value.zone}\t\t\tIN\tSOA`;
          } else {
            failed = true;
            stderr += nsupdateFailureText(result.error);
          }
          break;
        }
        case 'quit':
          return Ok(finish());
        default:
          // class, ttl, check-names: applied by the parser; debug, version, help: nothing to send.
          break;
      }
    }
    return Ok(finish());
  } finally {
    for (const client of clients.values()) client.close();
  }

  function finish(): NsupdateRunResult {
    return {
      exitCode: failed ? 2 : 0,
      stdout,
      stderr,
      sends,
      warnings: parsed.isOk() ? parsed.value.warnings : [],
    };
  }
}

/** The class of the zone section: nsupdate uses the first class written in the batch. */
function classOf(pending: readonly Pending[]): number {
  for (const command of pending) if ('rdataClass' in command) return command.rdataClass;
  return 1;
}

/** Turns pending prereq/update lines into an `Update`, names relative to the root as nsupdate. */
function buildUpdate(
  zone: string | undefined,
  pending: readonly Pending[],
  zoneClass: number,
): Update {
  const update = new Update(zone, { class: classToText(zoneClass), origin: '.' });
  for (const command of pending) {
    if (command.kind === 'prereq') {
      switch (command.condition) {
        case 'nxdomain':
          update.absent(command.owner);
          break;
        case 'yxdomain':
          update.present(command.owner);
          break;
        case 'nxrrset':
          update.absent(command.owner, command.type);
          break;
        case 'yxrrset':
          if (command.rdata === undefined) update.present(command.owner, command.type);
          else update.present([{ name: command.owner, type: command.type, data: command.rdata }]);
          break;
      }
      continue;
    }
    if (command.operation === 'add') {
      update.add({
        name: command.owner,
        type: command.type,
        ttl: command.ttl,
        data: command.rdata,
      });
      continue;
    }
    switch (command.scope) {
      case 'name':
        update.deleteName(command.owner);
        break;
      case 'rrset':
        if (command.type.toUpperCase() === 'ANY') update.deleteName(command.owner);
        else update.deleteRRset(command.owner, command.type);
        break;
      case 'record':
        update.deleteRecord({ name: command.owner, type: command.type, data: command.rdata });
        break;
    }
  }
  return update;
}

/** What nsupdate prints for a failed update (nsupdate.c update_completed). */
function nsupdateFailureText(error: UpdateError): string {
  const tsig = ['BADSIG', 'BADKEY', 'BADTIME', 'BADTRUNC'].includes(error.kind);
  if (tsig || error.rcode !== undefined) {
    const rcode = error.message.match(/update failed: ([A-Z0-9]+(?:\([A-Z]+\))?)/)?.[1];
    const prefix = tsig ? '; TSIG error with server: tsig indicates error\n' : '';
    return `${prefix}update failed: ${rcode ?? error.kind}\n`;
  }
  if (error.kind === 'timeout') return `; Communication with ${error.server} failed: timed out\n`;
  return `${error.message}\n`;
}
