/**
 * `UpdateClient`: sends RFC 2136 updates signed with TSIG and reports what the server said, as
 * typed values. A reply to a signed request is believed only when it comes from the server,
 * answers our ID with the UPDATE opcode and carries a TSIG that verifies against our request MAC
 * (RFC 8945 §5.4); anything else is discarded and the client keeps waiting until the deadline.
 *
 * The one exception is RFC 8945 §5.3.2's unsigned BADSIG/BADKEY error (MAC size 0), which a
 * server sends when it cannot check our MAC. It is held while the client keeps waiting for a
 * verified reply for one second (at most one retry interval); if none comes it is reported, with
 * `authenticated: false` and `mayHaveApplied: true` — anyone who saw the request can forge it,
 * so it cannot prove the update was not applied. Everything else unsigned is discarded:
 * - no TSIG at all, whatever the RCODE, FORMERR included: §5.4 treats a missing TSIG as a
 *   format error and discards the reply. A server that could not parse our TSIG (§5.2) answers
 *   FORMERR unsigned; BIND 9.18 instead answers FORMERR with an unsigned BADSIG TSIG, which is
 *   the exception above. An unsigned FORMERR is therefore not believed: the timeout says it came;
 * - an empty MAC with any other TSIG error or none (BADTIME and BADTRUNC MUST be signed: §5.2.3,
 *   §5.3.2);
 * - an unsigned TC reply: following it would resend the update over TCP on a forger's word (a
 *   second copy the server may apply). Only a verified TC reply moves the exchange to TCP.
 */
import { inspect } from 'node:util';
import { asyncDispose, dispose } from '../dispose.js';
import { type DiskEffectReport, expectedDiskEffect } from '../dump/triggers.js';
import {
  type PropagationError,
  type PropagationServer,
  type PropagationWait,
  type WaitForPropagationOptions,
  waitForPropagation,
} from '../fleet/propagation.js';
import { Key, type KeySpec } from '../keys/key.js';
import { logger } from '../log.js';
import { addressProblem, MAX_TIMER_MS, rangeProblem } from '../options.js';
import { Err, Ok, type Result } from '../result.js';
import {
  endpoint,
  traced,
  tracingChannels,
  type UpdateTraceContext,
  zoneText,
} from '../tracing.js';
import {
  RCODE_EXPLANATIONS,
  UpdateError,
  type UpdateErrorKind,
  type UpdateReplyHeader,
} from './errors.js';
import {
  type DecodedReply,
  encodeQuery,
  encodeUpdate,
  OPCODE_QUERY,
  OPCODE_UPDATE,
  RCODES,
  TYPE_SOA,
} from './message.js';
import { decodeName, type Name, NameDecoder } from './names.js';
import { type CheckedReply, checkReply } from './reply-check.js';
import { DnsTransport, type ExchangeFailure, MAX_MESSAGE, type ReplyCheck } from './transport.js';
import { macLength, signRequest, TSIG_ERRORS, type TsigCheck } from './tsig.js';
import type { Update } from './update.js';

const log = logger('rndc:update');

/** Longest wait, after an unsigned BADSIG/BADKEY, for a verified reply (see the module comment). */
const UNSIGNED_ERROR_GRACE_MS = 1000;

/** How to reach the server. */
export interface UpdateClientOptions {
  /** The server (primary) to send to: an address or a host name. */
  readonly server: string;
  /** Default 53. */
  readonly port?: number | undefined;
  /** TSIG key; omit to send unsigned updates (named then normally answers REFUSED). */
  readonly key?: Key | KeySpec | undefined;
  /** Deadline of one update, retries and TCP fallback included. Default 30 s. */
  readonly timeoutMs?: number | undefined;
  /** Interval between UDP sends. Default 3 s (nsupdate's -u). */
  readonly retryIntervalMs?: number | undefined;
  /** UDP sends in all. Default 4 (nsupdate's -r 3 retries). */
  readonly tries?: number | undefined;
  /** Always use TCP (nsupdate's -v). */
  readonly tcp?: boolean | undefined;
  /** Local address to send from. */
  readonly sourceAddress?: string | undefined;
  /** TSIG fudge in seconds. Default 300. */
  readonly fudge?: number | undefined;
  /** Clock, milliseconds since the epoch. Default `Date.now`; for tests of clock skew. */
  readonly clock?: (() => number) | undefined;
}

/** Options of one send. */
export interface SendOptions {
  /** Deadline of this send, retries and TCP fallback included. Default: the client's `timeoutMs`. */
  readonly timeoutMs?: number | undefined;
  /** Aborts the send; the update may still have been applied (`mayHaveApplied`). */
  readonly signal?: AbortSignal | undefined;
  /**
   * After the update is applied, wait until the servers serve it ({@link waitForPropagation}):
   * the target is the serial the primary (this client's server, asked with this client's key
   * unless `primary` says otherwise) serves just after the update. The wait has its own
   * `timeoutMs` (default 60 s), outside the send's; its outcome is in
   * {@link UpdateResponse.propagation} and never turns a successful send into an error.
   */
  readonly waitForPropagation?: SendPropagationOptions | undefined;
}

/** {@link SendOptions.waitForPropagation}: the wait's options, the zone and target implied. */
export type SendPropagationOptions = Omit<
  WaitForPropagationOptions,
  'zone' | 'serial' | 'changedAt' | 'primary'
> & {
  /** The reference. Default: this client's server and port, with this client's key. */
  readonly primary?: PropagationServer | undefined;
};

/**
 * The name whose zone is looked up when the update names none: the first owner (update section
 * first, then prerequisites), but one label up when the first update-section record is a DS —
 * a DS lives in the parent zone (nsupdate.c start_update, the same in 9.16, 9.18 and 9.20;
 * a DS in the prerequisite section does not move the lookup).
 */
function discoveryName(update: Update): Name | undefined {
  const first = update.updates[0];
  if (first && first.type === TYPE_DS && !first.name.isRoot) return first.name.parent();
  return update.firstOwner();
}

const TYPE_DS = 43;

/** A successful update. */
export interface UpdateResponse {
  /** The zone updated (as found, when it was discovered). */
  readonly zone: string;
  /** `host#port` of the server that answered. */
  readonly server: string;
  /** The DNS message ID of the update. */
  readonly id: number;
  /** Whether the accepted reply came over UDP or TCP. */
  readonly transport: 'udp' | 'tcp';
  /**
   * True when the reply's TSIG verified (every check of {@link UpdateResponse.tsig} passed).
   * False only for an update sent without a key, whose reply nothing authenticates.
   */
  readonly signed: boolean;
  /** The checks the reply's TSIG passed; absent for an update sent without a key. */
  readonly tsig?: TsigVerification;
  /** Header facts of the accepted reply (what nsupdate's `answer` prints). */
  readonly reply?: UpdateReplyHeader;
  /**
   * Why replies were ignored before the accepted one (spoofed, wrongly signed…): at most eight
   * distinct reasons; {@link UpdateResponse.ignoredReplyCount} counts them all.
   */
  readonly ignoredReplies: readonly string[];
  /** Replies received and ignored before the accepted one, in all. */
  readonly ignoredReplyCount: number;
  /**
   * What the update scheduled on named's disk: the journal now, the zone file 676–900 s after
   * the first change since the last dump (`zone_needdump()` in BIND's lib/dns/zone.c: 900 s less
   * a random part of up to a quarter of it).
   */
  readonly diskEffect: DiskEffectReport;
  /** When the server's reply said the update was applied. */
  readonly appliedAt: Date;
  /**
   * With {@link SendOptions.waitForPropagation}: when each server served the change
   * (`servers[i].servedAt`), whether the goal was met, and every server's last verdict — or why
   * the wait could not start.
   */
  readonly propagation?: Result<PropagationWait, PropagationError>;
}

/**
 * What a verified reply's TSIG proved (RFC 8945 §5.4): the key and algorithm it was checked
 * with, the MAC length, and the checks it passed (all of them: a reply that fails one is never accepted).
 */
export interface TsigVerification {
  /** Always true: an unverified reply is never accepted. */
  readonly verified: true;
  /** The key's name, absolute. */
  readonly keyName: string;
  /** The algorithm on the wire (`hmac-sha256.`). */
  readonly algorithm: string;
  /** Length of the reply's MAC in bytes (shorter than the digest for a truncated key). */
  readonly macBytes: number;
  /** Time Signed of the reply, seconds since the epoch. */
  readonly timeSigned: number;
  /** The checks the reply passed, in the order they were made. */
  readonly checks: readonly TsigCheck[];
}

/** A zone found by {@link UpdateClient.findZone}. */
export interface FoundZone {
  /** The zone's apex (the owner of the SOA). */
  readonly zone: Name;
  /** The SOA MNAME (the primary named in the zone). */
  readonly primary: Name | undefined;
  /**
   * True when the SOA answer's TSIG verified. With a key, only a verified answer is used, so
   * this is false only for a client without a key (nothing authenticates the answer then).
   */
  readonly authenticated: boolean;
}

/** Sends dynamic updates to one server. */
export class UpdateClient {
  readonly #transport: DnsTransport;
  readonly #key: Key | undefined;
  readonly #invalid: UpdateError | undefined;
  readonly #options: UpdateClientOptions;
  readonly #now: () => number;
  /** Reads the names of each reply in turn (#check is synchronous: one reply at a time). */
  readonly #names = new NameDecoder(Buffer.alloc(0));

  constructor(options: UpdateClientOptions) {
    this.#options = options;
    this.#now = options.clock ?? Date.now;
    this.#transport = new DnsTransport(options.server, options.port ?? 53, options.sourceAddress);
    const problem = optionProblem(options);
    if (problem) {
      this.#invalid = new UpdateError({
        kind: 'invalid-argument',
        message: `UpdateClient: ${problem}`,
        remedy: 'pass the option within its range, or leave it out for the default',
        server: this.server,
      });
      return;
    }
    if (options.key === undefined) return;
    const key = Key.of(options.key);
    if (key.isErr()) {
      this.#invalid = new UpdateError({
        kind: 'invalid-argument',
        message: key.error.message,
        remedy: key.error.remedy,
        server: this.server,
      });
    } else {
      this.#key = key.value;
    }
  }

  /** `host#port` of the server. */
  get server(): string {
    return this.#transport.server;
  }

  /**
   * What `util.inspect` and the REPL show:
   * `UpdateClient { server: '127.0.0.1#53', key: 'ddns-key (hmac-sha256)' }` — the key's name
   * and algorithm (or `unsigned`), never its secret.
   */
  [inspect.custom](): string {
    const key = this.#invalid
      ? 'invalid'
      : this.#key
        ? `${this.#key.name} (${this.#key.algorithm}${this.#key.truncatedBits ? `-${this.#key.truncatedBits}` : ''})`
        : 'unsigned';
    return `UpdateClient { server: ${inspect(this.server)}, key: ${inspect(key)} }`;
  }

  /**
   * Sends `update`; finds its zone first when it was built without one. An abort (`signal`)
   * settles the call at once with kind `aborted`; `mayHaveApplied` (alias `mayHaveRun`) says
   * whether the update had already been sent.
   */
  send(update: Update, options: SendOptions = {}): Promise<Result<UpdateResponse, UpdateError>> {
    return traced(
      tracingChannels.update,
      (): UpdateTraceContext => ({
        ...endpoint(this.#options.server, this.#options.port ?? 53),
        ...(update.zone !== undefined ? { zone: zoneText(update.origin.toString()) } : {}),
      }),
      () => this.#send(update, options),
      (result, context) => {
        if (result.isOk()) context.zoneFound = zoneText(result.value.zone);
        else context.mayHaveRun = result.error.mayHaveApplied;
      },
    );
  }

  async #send(update: Update, options: SendOptions): Promise<Result<UpdateResponse, UpdateError>> {
    if (this.#invalid) return Err(this.#invalid);
    const deadline = this.#now() + (options.timeoutMs ?? this.#options.timeoutMs ?? 30_000);
    let zone = update.origin;
    if (update.zone === undefined) {
      const first = discoveryName(update);
      if (!first) {
        const empty = update.toMessage(0);
        if (empty.isErr()) return empty;
        return Err(new UpdateError({ kind: 'invalid-update', message: 'the update is empty' }));
      }
      const found = await this.findZone(first, { ...options, timeoutMs: deadline - this.#now() });
      if (found.isErr()) return found;
      zone = found.value.zone;
    }
    const reserved = await this.#transport.reserveId({
      deadline: Date.now() + Math.max(0, deadline - this.#now()),
      signal: options.signal,
    });
    if ('failure' in reserved) {
      return Err(
        new UpdateError({
          kind: reserved.failure.kind,
          message: reserved.failure.message,
          server: this.server,
          zone: zone.toString(),
          mayHaveApplied: false,
        }),
      );
    }
    const id = reserved.id;
    const prepared = this.#prepare(update, id, zone);
    if (prepared.isErr()) {
      this.#transport.releaseId(id);
      return prepared;
    }
    const { bytes, mac } = prepared.value;
    const zoneText = zone.toString();
    const started = Date.now();
    const outcome = await this.#transport.exchange(
      bytes,
      id,
      (reply) => this.#check(reply, OPCODE_UPDATE, id, mac),
      this.#exchangeOptions(deadline, options.signal),
    );
    log(
      '%s: update %s (%d bytes) → %s in %d ms (%d replies ignored)',
      this.server,
      zoneText,
      bytes.length,
      outcome.ok ? RCODES[outcome.value.value.reply.header.rcode] : outcome.failure.kind,
      Date.now() - started,
      outcome.ok ? outcome.value.ignoredCount : outcome.failure.ignoredCount,
    );
    if (!outcome.ok) return Err(this.#transportError(outcome.failure, zoneText));
    const { reply, authenticated, tsig } = outcome.value.value;
    const header = replyHeader(reply);
    const error = this.#replyError(reply, header, authenticated, zoneText, {
      // A verified error answers one copy of the request; when several were sent (retries, the
      // TCP retry after TC), an earlier copy may have been applied and its reply lost — e.g. a
      // retry of an applied "nxdomain + add" is answered YXDOMAIN.
      mayHaveApplied: !authenticated || outcome.value.copies > 1,
      copies: outcome.value.copies,
      ignoredReplies: outcome.value.ignoredCount,
    });
    if (error) return Err(error);
    const appliedAt = new Date(this.#now());
    const propagation = options.waitForPropagation
      ? await this.#waitForPropagation(
          zoneText,
          appliedAt,
          options.waitForPropagation,
          options.signal,
        )
      : undefined;
    return Ok({
      zone: zoneText,
      server: this.server,
      id,
      transport: outcome.value.transport,
      signed: authenticated,
      ...(tsig ? { tsig } : {}),
      ignoredReplies: outcome.value.ignored,
      ignoredReplyCount: outcome.value.ignoredCount,
      reply: header,
      diskEffect: expectedDiskEffect('update', appliedAt),
      appliedAt,
      ...(propagation ? { propagation } : {}),
    });
  }

  #waitForPropagation(
    zone: string,
    appliedAt: Date,
    options: SendPropagationOptions,
    signal: AbortSignal | undefined,
  ): Promise<Result<PropagationWait, PropagationError>> {
    const primary: PropagationServer = options.primary ?? {
      host: this.#options.server,
      port: this.#options.port ?? 53,
      key: this.#key ?? null,
      label: 'primary',
    };
    const waitSignal = options.signal ?? signal;
    return waitForPropagation({
      ...options,
      zone,
      primary,
      changedAt: appliedAt,
      ...(waitSignal ? { signal: waitSignal } : {}),
    });
  }

  /**
   * The update's bytes, signed, or `too-large` when it cannot be one DNS message: more than
   * 65,535 records in a section (the counts are 16-bit) or more than 65,535 bytes once signed
   * (TCP's 2-byte length prefix, RFC 1035 §4.2.2). Nothing is sent then.
   */
  #prepare(
    update: Update,
    id: number,
    zone: Name,
  ): Result<{ bytes: Buffer; mac: Buffer | undefined }, UpdateError> {
    const message = update.toMessage(id, zone);
    if (message.isErr()) return message;
    const records = Math.max(message.value.prerequisites.length, message.value.updates.length);
    if (records > MAX_MESSAGE) {
      return Err(
        tooLarge(
          `the update has ${records} records in one section, over the limit of ${MAX_MESSAGE} (a 16-bit count)`,
          records,
          this.server,
          zone,
        ),
      );
    }
    const signed = this.#sign(encodeUpdate(message.value));
    if (signed.isErr()) return signed;
    if (signed.value.bytes.length > MAX_MESSAGE) {
      return Err(
        tooLarge(
          `the update is ${signed.value.bytes.length} bytes${this.#key ? ' signed' : ''}, over the ${MAX_MESSAGE}-byte limit of a DNS message`,
          signed.value.bytes.length,
          this.server,
          zone,
        ),
      );
    }
    return signed;
  }

  /**
   * Finds the zone that contains `name`: an SOA query, signed with the key (as nsupdate does when
   * the server is explicit), walking up one label at a time until an SOA answers.
   *
   * With a key, only answers whose TSIG verifies are used. nsupdate retries unsigned when the
   * signed query meets a TSIG error; this client does not, because an unsigned answer can be
   * forged and would silently choose the zone the update goes to. An unsigned BADSIG/BADKEY
   * answer is reported as that error (unauthenticated; nothing was sent, so `mayHaveApplied` is
   * false).
   */
  async findZone(name: Name, options: SendOptions = {}): Promise<Result<FoundZone, UpdateError>> {
    if (this.#invalid) return Err(this.#invalid);
    const deadline = this.#now() + (options.timeoutMs ?? this.#options.timeoutMs ?? 30_000);
    let current: Name | undefined = name;
    while (current) {
      const answer = await this.#querySoa(current, deadline, options.signal);
      if (answer.isErr()) return answer;
      const { reply, raw, authenticated } = answer.value;
      const tsigError = reply.tsig?.record.error ?? 0;
      if (this.#key && tsigError !== 0) {
        const error = this.#replyError(
          reply,
          replyHeader(reply),
          authenticated,
          current.toString(),
          {
            mayHaveApplied: false,
            context: `the SOA query for ${current.toString()} (zone discovery; nothing was sent)`,
          },
        );
        if (error) return Err(error);
      }
      if (reply.header.rcode !== 0 && reply.header.rcode !== 3) {
        return Err(
          new UpdateError({
            kind: 'zone-not-found',
            message: `the SOA query for ${current.toString()} to ${this.server} was answered ${RCODES[reply.header.rcode] ?? reply.header.rcode}${authenticated ? '' : ' (unauthenticated reply)'}`,
            causes: [
              'the server does not serve this name',
              'the server refuses queries from this address',
            ],
            remedy: 'name the zone explicitly: new Update(zone)',
            server: this.server,
            rcode: reply.header.rcode,
            authenticated,
          }),
        );
      }
      for (const section of [reply.sections[0], reply.sections[1]]) {
        const soa = section.find((r) => r.type === TYPE_SOA);
        if (soa) {
          const mname = decodeName(raw, soa.rdataOffset);
          return Ok({
            zone: soa.name,
            primary: mname.isOk() ? mname.value.name : undefined,
            authenticated,
          });
        }
      }
      current = current.labelCount > 0 ? current.parent() : undefined;
    }
    return Err(
      new UpdateError({
        kind: 'zone-not-found',
        message: `could not find enclosing zone of ${name.toString()} on ${this.server}`,
        remedy: 'name the zone explicitly: new Update(zone)',
        server: this.server,
      }),
    );
  }

  /** Closes the client's socket. */
  close(): void {
    this.#transport.close();
  }

  /** `using upd = new UpdateClient(…)`: {@link UpdateClient.close} at the end of the scope. */
  [dispose](): void {
    this.close();
  }

  /** `await using upd = new UpdateClient(…)`: {@link UpdateClient.close} at the end of the scope. */
  async [asyncDispose](): Promise<void> {
    this.close();
  }

  async #querySoa(
    name: Name,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<Result<CheckedReply, UpdateError>> {
    const reserved = await this.#transport.reserveId({
      deadline: Date.now() + Math.max(0, deadline - this.#now()),
      signal,
    });
    if ('failure' in reserved) {
      return Err(
        new UpdateError({
          kind: reserved.failure.kind,
          message: reserved.failure.message,
          server: this.server,
        }),
      );
    }
    const id = reserved.id;
    const signed = this.#sign(encodeQuery(id, name, TYPE_SOA, false));
    if (signed.isErr()) {
      this.#transport.releaseId(id);
      return signed;
    }
    const outcome = await this.#transport.exchange(
      signed.value.bytes,
      id,
      (bytes) => this.#check(bytes, OPCODE_QUERY, id, signed.value.mac),
      this.#exchangeOptions(deadline, signal),
    );
    if (!outcome.ok) {
      // A query changes nothing: whatever happened, no update was applied.
      const error = this.#transportError(outcome.failure, name.toString());
      return Err(
        new UpdateError({
          kind: error.kind,
          message: `zone discovery: ${error.message}`,
          causes: error.causes,
          remedy: error.remedy,
          server: this.server,
          ...(error.ignoredReplies ? { ignoredReplies: error.ignoredReplies } : {}),
          mayHaveApplied: false,
          ...(error.cause ? { cause: error.cause } : {}),
        }),
      );
    }
    return Ok(outcome.value.value);
  }

  #sign(message: Buffer): Result<{ bytes: Buffer; mac: Buffer | undefined }, UpdateError> {
    if (!this.#key) return Ok({ bytes: message, mac: undefined });
    const signed = signRequest(message, this.#key, {
      time: Math.floor(this.#now() / 1000),
      ...(this.#options.fudge !== undefined ? { fudge: this.#options.fudge } : {}),
    });
    if (!signed) {
      return Err(
        new UpdateError({
          kind: 'invalid-argument',
          message: `key name "${this.#key.name}" is not a valid DNS name`,
          server: this.server,
        }),
      );
    }
    return Ok({ bytes: signed.message, mac: signed.mac });
  }

  #exchangeOptions(deadline: number, signal: AbortSignal | undefined) {
    return {
      deadline: Date.now() + Math.max(0, deadline - this.#now()),
      signal,
      retryIntervalMs: this.#options.retryIntervalMs ?? 3000,
      // How long an unsigned BADSIG/BADKEY waits for a verified reply that would overrule it: a
      // forged one races the server's answer, which comes within a round trip.
      graceMs: Math.min(this.#options.retryIntervalMs ?? 3000, UNSIGNED_ERROR_GRACE_MS),
      tries: this.#options.tries ?? 4,
      ...(this.#options.tcp ? { tcp: true } : {}),
    };
  }

  /**
   * Decides whether a reply with our ID from the server answers us (RFC 8945 §5.4 for a signed
   * request; see reply-check.ts for what is discarded and why).
   */
  #check(
    bytes: Buffer,
    opcode: number,
    id: number,
    requestMac: Buffer | undefined,
  ): ReplyCheck<CheckedReply> {
    return checkReply(bytes, {
      opcode,
      id,
      key: this.#key,
      requestMac,
      nowSeconds: Math.floor(this.#now() / 1000),
      names: this.#names,
    });
  }

  /**
   * The error a reply reports, or undefined for NOERROR. `facts.mayHaveApplied` is true for an
   * unauthenticated reply to an update: a forger can say anything.
   */
  #replyError(
    reply: DecodedReply,
    header: UpdateReplyHeader,
    authenticated: boolean,
    zone: string,
    facts: {
      mayHaveApplied: boolean;
      ignoredReplies?: number;
      context?: string;
      /** Copies of the request sent (see `Exchanged.copies`). */
      copies?: number;
    },
  ): UpdateError | undefined {
    const rcode = reply.header.rcode;
    const tsig = reply.tsig?.record;
    const tsigError = tsig?.error ?? 0;
    const key = this.#key;
    const base = {
      server: this.server,
      zone,
      rcode,
      tsigError,
      authenticated,
      reply: header,
      mayHaveApplied: facts.mayHaveApplied,
      ignoredReplies: facts.ignoredReplies ?? 0,
    };
    const caveat = authenticated
      ? facts.mayHaveApplied
        ? ` (the reply answers one of ${facts.copies ?? 'several'} copies of the update sent: an earlier copy may have been applied, its reply lost)`
        : ''
      : facts.mayHaveApplied
        ? ' (unauthenticated reply: it may be forged, and the update may have been applied)'
        : ' (unauthenticated reply)';
    if (tsigError !== 0 && key) {
      const name = TSIG_ERRORS[tsigError] ?? `TSIG error ${tsigError}`;
      const kind = (TSIG_ERRORS[tsigError] ?? 'RCODE') as UpdateErrorKind;
      const rcodeText = RCODES[rcode] ?? String(rcode);
      switch (tsigError) {
        case 17:
          return new UpdateError({
            ...base,
            kind,
            message: `${facts.context ? `${facts.context}: ` : ''}update failed: ${rcodeText}(${name})${caveat}: the server has no key ${key.name} with algorithm ${key.algorithm} — nsupdate's -y defaults to hmac-md5`,
            causes: [
              'the key name differs from the one in named.conf',
              "the algorithm differs (nsupdate's -y and `key` default to hmac-md5; tsig-keygen's default is hmac-sha256)",
              'the key is not defined in the view that serves the zone',
            ],
            remedy: 'use exactly the name and algorithm of the key statement in named.conf',
          });
        case 16:
          return new UpdateError({
            ...base,
            kind,
            message: `${facts.context ? `${facts.context}: ` : ''}update failed: ${rcodeText}(${name})${caveat}: the server's key ${key.name} has a different secret`,
            causes: [
              'the secret was mistyped or belongs to another key',
              'the key was regenerated on the server',
            ],
            remedy: 'copy the secret from the key statement in named.conf again',
          });
        case 18: {
          const serverTime =
            tsig?.otherData.length === 6 ? tsig.otherData.readUIntBE(0, 6) : undefined;
          const skew =
            serverTime === undefined ? undefined : Math.floor(this.#now() / 1000) - serverTime;
          return new UpdateError({
            ...base,
            kind,
            message: `update failed: ${rcodeText}(${name})${caveat}: ${skew === undefined ? 'the clocks differ by more than the fudge' : `our clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's`}`,
            causes: ['the clocks of this machine and the server differ by more than 300 s'],
            remedy: 'synchronise the clocks (NTP)',
            ...(skew !== undefined ? { skewSeconds: skew } : {}),
          });
        }
        case 22:
          return new UpdateError({
            ...base,
            kind,
            message: `update failed: ${rcodeText}(${name})${caveat}: the server's key ${key.name} does not accept a MAC truncated to ${macLength(key) * 8} bits`,
            causes: ['the key is truncated here (e.g. hmac-sha256-128) but not in named.conf'],
            remedy:
              'use the same algorithm spelling as named.conf (with or without the -bits suffix)',
          });
        default:
          return new UpdateError({
            ...base,
            kind: 'RCODE',
            message: `update failed: ${rcodeText}(${name})${caveat}`,
          });
      }
    }
    if (rcode === 0) return undefined;
    const name = RCODES[rcode];
    const explanation = name ? RCODE_EXPLANATIONS[name] : undefined;
    return new UpdateError({
      ...base,
      kind: (name as UpdateErrorKind | undefined) ?? 'RCODE',
      message: `update failed: ${name ?? `RCODE ${rcode}`}${caveat}${explanation ? `: ${explanation.text}` : ''} (zone ${zone}, server ${this.server})`,
      ...(explanation ? { causes: explanation.causes, remedy: explanation.remedy } : {}),
    });
  }

  /**
   * A failed exchange as an UpdateError. A timeout after ignored replies is still a `timeout`
   * (RFC 8945 §5.4: unverifiable replies are discarded, the client waits until it times out),
   * with the reasons in the message and the count in `ignoredReplies`.
   */
  #transportError(failure: ExchangeFailure, zone: string): UpdateError {
    if (failure.kind === 'too-large') {
      return tooLarge(failure.message, undefined, this.server, zone);
    }
    const unsigned = failure.ignored.some((reason) => reason.startsWith('an unsigned reply'));
    const timeoutCauses = [
      ...(failure.ignoredCount > 0
        ? [
            unsigned
              ? 'something other than named answered without a TSIG (a forger, or a middlebox that strips signatures)'
              : 'replies arrived but none verified: forged, replayed, or signed with another key',
          ]
        : []),
      'named is not listening on this address and port',
      'a firewall drops the packets',
    ];
    return new UpdateError({
      kind: failure.kind,
      message:
        (failure.kind === 'timeout' || failure.kind === 'aborted') &&
        failure.sent &&
        !failure.message.includes('may have been applied')
          ? `${failure.message}; the update may have been applied`
          : failure.message,
      causes: failure.kind === 'timeout' ? timeoutCauses : [],
      remedy:
        failure.kind === 'timeout'
          ? failure.ignoredCount > 0
            ? 'the ignored replies were not trusted; check what answers on this address, then check the zone (dig) before retrying'
            : 'check the server address and port (dig @server zone SOA)'
          : '',
      server: this.server,
      zone,
      mayHaveApplied: failure.sent,
      ignoredReplies: failure.ignoredCount,
      ...(failure.cause ? { cause: failure.cause } : {}),
    });
  }
}

/**
 * Why a numeric option cannot be used, or undefined. Out-of-range values would otherwise throw
 * from a socket or a buffer write inside `send()` (a u16 fudge, a port), or never send at all.
 */
function optionProblem(options: UpdateClientOptions): string | undefined {
  return (
    addressProblem('sourceAddress', options.sourceAddress) ??
    rangeProblem([
      ['port', options.port, 1, 65_535, true],
      ['fudge', options.fudge, 0, 65_535, true],
      ['tries', options.tries, 1, MAX_TIMER_MS, true],
      // Milliseconds may be fractional.
      ['timeoutMs', options.timeoutMs, 0, MAX_TIMER_MS, false],
      ['retryIntervalMs', options.retryIntervalMs, 0, MAX_TIMER_MS, false],
    ])
  );
}

/** The `too-large` error: nothing was sent. */
function tooLarge(
  what: string,
  size: number | undefined,
  server: string,
  zone: Name | string,
): UpdateError {
  return new UpdateError({
    kind: 'too-large',
    message: `${what}: nothing was sent`,
    causes: ['too many records in one update'],
    remedy: 'split the update into several smaller ones (several sends)',
    server,
    zone: zone.toString(),
    ...(size !== undefined ? { size } : {}),
    limit: MAX_MESSAGE,
    mayHaveApplied: false,
  });
}

/** The header facts of a decoded reply. */
function replyHeader(reply: DecodedReply): UpdateReplyHeader {
  const { id, opcode, rcode, flags, counts } = reply.header;
  const question = reply.question;
  const tsig = reply.tsig?.record;
  return {
    id,
    opcode,
    rcode,
    flags,
    counts,
    ...(question
      ? { zone: { name: question.name.toString(), class: question.class, type: question.type } }
      : {}),
    ...(tsig
      ? {
          tsig: {
            keyName: tsig.keyName.toString(),
            algorithm: tsig.algorithm.toString(),
            timeSigned: tsig.timeSigned,
            fudge: tsig.fudge,
            mac: Buffer.from(tsig.mac),
            originalId: tsig.originalId,
            error: tsig.error,
            otherData: Buffer.from(tsig.otherData),
          },
        }
      : {}),
  };
}
