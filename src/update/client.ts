/**
 * `UpdateClient`: sends RFC 2136 updates signed with TSIG and reports what the server said, as
 * typed values. A reply is believed only when it comes from the server, answers our ID with the
 * UPDATE opcode and carries a TSIG that verifies against our request MAC; anything else is
 * ignored until the deadline (RFC 8945 §5.4). The server's unauthenticated BADSIG/BADKEY/FORMERR
 * answers are reported as such.
 */
import { inspect } from 'node:util';
import createDebug from 'debug';
import { Err, Ok, type Result } from 'ts-results-es';
import { type DiskEffectReport, expectedDiskEffect } from '../dump/triggers.js';
import { Key, type KeySpec } from '../keys/key.js';
import {
  RCODE_EXPLANATIONS,
  UpdateError,
  type UpdateErrorKind,
  type UpdateReplyHeader,
} from './errors.js';
import {
  type DecodedReply,
  decodeReply,
  encodeQuery,
  encodeUpdate,
  OPCODE_QUERY,
  OPCODE_UPDATE,
  RCODES,
  TYPE_SOA,
} from './message.js';
import { decodeName, type Name } from './names.js';
import { DnsTransport, type ExchangeFailure, type ReplyCheck } from './transport.js';
import { macLength, signRequest, TSIG_ERRORS, verifyResponse } from './tsig.js';
import type { Update } from './update.js';

const log = createDebug('rndc:update');

/** How to reach the server. */
export interface UpdateClientOptions {
  /** The server (primary) to send to: an address or a host name. */
  readonly server: string;
  /** Default 53. */
  readonly port?: number;
  /** TSIG key; omit to send unsigned updates (named then normally answers REFUSED). */
  readonly key?: Key | KeySpec;
  /** Deadline of one update, retries and TCP fallback included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Interval between UDP sends. Default 3 s (nsupdate's -u). */
  readonly retryIntervalMs?: number;
  /** UDP sends in all. Default 4 (nsupdate's -r 3 retries). */
  readonly tries?: number;
  /** Always use TCP (nsupdate's -v). */
  readonly tcp?: boolean;
  /** Local address to send from. */
  readonly sourceAddress?: string;
  /** TSIG fudge in seconds. Default 300. */
  readonly fudge?: number;
  /** Clock, milliseconds since the epoch. Default `Date.now`; for tests of clock skew. */
  readonly clock?: () => number;
}

/** Options of one send. */
export interface SendOptions {
  /** Deadline of this send, retries and TCP fallback included. Default: the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Aborts the send; the update may still have been applied (`mayHaveApplied`). */
  readonly signal?: AbortSignal;
}

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
  /** True when the request was signed and the reply's TSIG verified. */
  readonly signed: boolean;
  /** Header facts of the accepted reply (what nsupdate's `answer` prints). */
  readonly reply?: UpdateReplyHeader;
  /** Replies received and ignored before the accepted one (spoofed, wrongly signed…). */
  readonly ignoredReplies: readonly string[];
  /**
   * What the update scheduled on named's disk: the journal now, the zone file 676–900 s after
   * the first change since the last dump (research/dump-behaviour.md §1.2).
   */
  readonly diskEffect: DiskEffectReport;
}

/** A zone found by {@link UpdateClient.findZone}. */
export interface FoundZone {
  /** The zone's apex (the owner of the SOA). */
  readonly zone: Name;
  /** The SOA MNAME (the primary named in the zone). */
  readonly primary: Name | undefined;
}

interface Accepted {
  readonly reply: DecodedReply;
  readonly authenticated: boolean;
  readonly skew?: number;
}

/** Sends dynamic updates to one server. */
export class UpdateClient {
  readonly #transport: DnsTransport;
  readonly #key: Key | undefined;
  readonly #invalid: UpdateError | undefined;
  readonly #options: UpdateClientOptions;
  readonly #now: () => number;

  constructor(options: UpdateClientOptions) {
    this.#options = options;
    this.#now = options.clock ?? Date.now;
    this.#transport = new DnsTransport(options.server, options.port ?? 53, options.sourceAddress);
    if (options.key === undefined) return;
    const key = options.key instanceof Key ? Ok(options.key) : Key.from(options.key);
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

  /** Sends `update`; finds its zone first when it was built without one. */
  async send(
    update: Update,
    options: SendOptions = {},
  ): Promise<Result<UpdateResponse, UpdateError>> {
    if (this.#invalid) return Err(this.#invalid);
    const deadline = this.#now() + (options.timeoutMs ?? this.#options.timeoutMs ?? 30_000);
    let zone = update.origin;
    if (update.zone === undefined) {
      const first = update.firstOwner();
      if (!first) {
        const empty = update.toMessage(0);
        if (empty.isErr()) return empty;
        return Err(new UpdateError({ kind: 'invalid-update', message: 'the update is empty' }));
      }
      const found = await this.findZone(first, { ...options, timeoutMs: deadline - this.#now() });
      if (found.isErr()) return found;
      zone = found.value.zone;
    }
    const id = this.#transport.allocateId();
    const message = update.toMessage(id, zone);
    if (message.isErr()) {
      this.#transport.releaseId(id);
      return message;
    }
    const zoneText = zone.toString();
    const unsigned = encodeUpdate(message.value);
    const signed = this.#sign(unsigned);
    if (signed.isErr()) {
      this.#transport.releaseId(id);
      return signed;
    }
    const { bytes, mac } = signed.value;
    const started = Date.now();
    const outcome = await this.#transport.exchange(
      bytes,
      id,
      (reply) => this.#check(reply, OPCODE_UPDATE, mac),
      this.#exchangeOptions(deadline, options.signal),
    );
    log(
      '%s: update %s (%d bytes) → %s in %d ms',
      this.server,
      zoneText,
      bytes.length,
      outcome.ok ? RCODES[outcome.value.value.reply.header.rcode] : outcome.failure.kind,
      Date.now() - started,
    );
    if (!outcome.ok) return Err(this.#transportError(outcome.failure, zoneText));
    const { reply, authenticated, skew } = outcome.value.value;
    const header = replyHeader(reply);
    const error = this.#replyError(reply, header, authenticated, zoneText, skew);
    if (error) return Err(error);
    return Ok({
      zone: zoneText,
      server: this.server,
      id,
      transport: outcome.value.transport,
      signed: mac !== undefined,
      ignoredReplies: outcome.value.ignored,
      reply: header,
      diskEffect: expectedDiskEffect('update', new Date(this.#now())),
    });
  }

  /**
   * Finds the zone that contains `name`: an SOA query, signed with the key (as nsupdate does when
   * the server is explicit), walking up one label at a time until an SOA answers.
   */
  async findZone(name: Name, options: SendOptions = {}): Promise<Result<FoundZone, UpdateError>> {
    if (this.#invalid) return Err(this.#invalid);
    const deadline = this.#now() + (options.timeoutMs ?? this.#options.timeoutMs ?? 30_000);
    let current: Name | undefined = name;
    while (current) {
      const answer = await this.#querySoa(current, deadline, options.signal);
      if (answer.isErr()) return answer;
      const { reply } = answer.value;
      if (reply.header.rcode !== 0 && reply.header.rcode !== 3) {
        return Err(
          new UpdateError({
            kind: 'zone-not-found',
            message: `the SOA query for ${current.toString()} to ${this.server} was answered ${RCODES[reply.header.rcode] ?? reply.header.rcode}`,
            causes: [
              'the server does not serve this name',
              'the server refuses queries from this address',
            ],
            remedy: 'name the zone explicitly: new Update(zone)',
            server: this.server,
            rcode: reply.header.rcode,
          }),
        );
      }
      for (const section of [reply.sections[0], reply.sections[1]]) {
        const soa = section.find((r) => r.type === TYPE_SOA);
        if (soa) {
          const mname = decodeName(answer.value.raw, soa.rdataOffset);
          return Ok({ zone: soa.name, primary: mname.isOk() ? mname.value.name : undefined });
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

  async #querySoa(name: Name, deadline: number, signal: AbortSignal | undefined) {
    // Signed first; nsupdate retries unsigned when the signed query meets a TSIG error.
    for (const sign of this.#key ? [true, false] : [false]) {
      const id = this.#transport.allocateId();
      const query = encodeQuery(id, name, TYPE_SOA, false);
      const signed = sign ? this.#sign(query) : Ok({ bytes: query, mac: undefined });
      if (signed.isErr()) {
        this.#transport.releaseId(id);
        return signed;
      }
      let raw: Buffer = Buffer.alloc(0);
      const outcome = await this.#transport.exchange(
        signed.value.bytes,
        id,
        (bytes) => {
          raw = bytes;
          return this.#check(bytes, OPCODE_QUERY, signed.value.mac);
        },
        this.#exchangeOptions(deadline, signal),
      );
      if (!outcome.ok) return Err(this.#transportError(outcome.failure, name.toString()));
      const { reply, authenticated } = outcome.value.value;
      if (sign && (!authenticated || (reply.tsig?.record.error ?? 0) !== 0)) continue;
      return Ok({ reply, raw });
    }
    return Err(
      new UpdateError({
        kind: 'zone-not-found',
        message: `no usable SOA answer for ${name.toString()}`,
        server: this.server,
      }),
    );
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
      tries: this.#options.tries ?? 4,
      ...(this.#options.tcp ? { tcp: true } : {}),
    };
  }

  /** Decides whether a reply with our ID from the server answers us. */
  #check(bytes: Buffer, opcode: number, requestMac: Buffer | undefined): ReplyCheck<Accepted> {
    const decoded = decodeReply(bytes);
    if (decoded.isErr())
      return { verdict: 'ignore', reason: `a malformed reply (${decoded.error.message})` };
    const reply = decoded.value;
    if (!reply.header.isResponse)
      return { verdict: 'ignore', reason: 'a message that is not a response' };
    if (reply.header.opcode !== opcode)
      return { verdict: 'ignore', reason: `a reply with opcode ${reply.header.opcode}` };
    if (reply.misplacedTsig)
      return { verdict: 'ignore', reason: 'a reply with a misplaced TSIG record' };
    if (!this.#key || !requestMac) {
      if (reply.header.truncated) return { verdict: 'truncated' };
      return { verdict: 'accept', value: { reply, authenticated: false } };
    }
    const verdict = verifyResponse(
      bytes,
      reply.tsig,
      this.#key,
      requestMac,
      Math.floor(this.#now() / 1000),
    );
    switch (verdict.kind) {
      case 'verified':
        if (reply.header.truncated) return { verdict: 'truncated' };
        return { verdict: 'accept', value: { reply, authenticated: true } };
      case 'unsigned-error':
        return { verdict: 'accept', value: { reply, authenticated: false } };
      case 'missing':
        // FORMERR: the server could not parse our TSIG, so it cannot sign (RFC 8945 §5.2).
        if (reply.header.rcode === 1)
          return { verdict: 'accept', value: { reply, authenticated: false } };
        if (reply.header.truncated) return { verdict: 'truncated' };
        return { verdict: 'ignore', reason: 'an unsigned reply to a signed request' };
      case 'bad-time':
        return { verdict: 'accept', value: { reply, authenticated: true, skew: verdict.skew } };
      case 'wrong-key':
        return {
          verdict: 'ignore',
          reason: `a reply signed with another key (${verdict.record.keyName.toString()} ${verdict.record.algorithm.toString()})`,
        };
      case 'bad-truncation':
        return {
          verdict: 'ignore',
          reason: `a reply whose MAC length ${verdict.record.mac.length} is not acceptable (we sent ${requestMac.length})`,
        };
      case 'bad-mac':
        return { verdict: 'ignore', reason: 'a reply whose TSIG MAC does not verify' };
    }
  }

  #replyError(
    reply: DecodedReply,
    header: UpdateReplyHeader,
    authenticated: boolean,
    zone: string,
    clientSkew?: number,
  ): UpdateError | undefined {
    const rcode = reply.header.rcode;
    const tsig = reply.tsig?.record;
    const tsigError = tsig?.error ?? 0;
    const key = this.#key;
    const base = { server: this.server, zone, rcode, tsigError, authenticated, reply: header };
    const unauthenticated = authenticated ? '' : ' (unauthenticated reply)';
    if (clientSkew !== undefined) {
      return new UpdateError({
        ...base,
        kind: 'BADTIME',
        message: `the reply from ${this.server} was signed ${Math.abs(clientSkew)} s ${clientSkew > 0 ? 'before' : 'after'} our clock, outside the fudge`,
        causes: ['the clocks of this machine and the server differ'],
        remedy: 'synchronise the clocks (NTP)',
        skewSeconds: clientSkew,
      });
    }
    if (tsigError !== 0 && key) {
      const name = TSIG_ERRORS[tsigError] ?? `TSIG error ${tsigError}`;
      const kind = (TSIG_ERRORS[tsigError] ?? 'RCODE') as UpdateErrorKind;
      const rcodeText = RCODES[rcode] ?? String(rcode);
      switch (tsigError) {
        case 17:
          return new UpdateError({
            ...base,
            kind,
            message: `update failed: ${rcodeText}(${name})${unauthenticated}: the server has no key ${key.name} with algorithm ${key.algorithm} — nsupdate's -y defaults to hmac-md5`,
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
            message: `update failed: ${rcodeText}(${name})${unauthenticated}: the server's key ${key.name} has a different secret`,
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
            message: `update failed: ${rcodeText}(${name})${unauthenticated}: ${skew === undefined ? 'the clocks differ by more than the fudge' : `our clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's`}`,
            causes: ['the clocks of this machine and the server differ by more than 300 s'],
            remedy: 'synchronise the clocks (NTP)',
            ...(skew !== undefined ? { skewSeconds: skew } : {}),
          });
        }
        case 22:
          return new UpdateError({
            ...base,
            kind,
            message: `update failed: ${rcodeText}(${name})${unauthenticated}: the server's key ${key.name} does not accept a MAC truncated to ${macLength(key) * 8} bits`,
            causes: ['the key is truncated here (e.g. hmac-sha256-128) but not in named.conf'],
            remedy:
              'use the same algorithm spelling as named.conf (with or without the -bits suffix)',
          });
        default:
          return new UpdateError({
            ...base,
            kind: 'RCODE',
            message: `update failed: ${rcodeText}(${name})${unauthenticated}`,
          });
      }
    }
    if (rcode === 0) return undefined;
    const name = RCODES[rcode];
    const explanation = name ? RCODE_EXPLANATIONS[name] : undefined;
    return new UpdateError({
      ...base,
      kind: (name as UpdateErrorKind | undefined) ?? 'RCODE',
      message: `update failed: ${name ?? `RCODE ${rcode}`}${unauthenticated}${explanation ? `: ${explanation.text}` : ''} (zone ${zone}, server ${this.server})`,
      ...(explanation ? { causes: explanation.causes, remedy: explanation.remedy } : {}),
    });
  }

  #transportError(failure: ExchangeFailure, zone: string): UpdateError {
    const unsignedReplies = failure.ignored.some((reason) =>
      reason.startsWith('an unsigned reply'),
    );
    if (failure.kind === 'timeout' && unsignedReplies) {
      return new UpdateError({
        kind: 'unsigned-reply',
        message: `${this.server} answered the signed update without a TSIG: ${failure.message}`,
        causes: ['something other than named answered', 'a middlebox stripped the signature'],
        remedy: 'the reply was not trusted; check what answers on this address',
        server: this.server,
        zone,
        mayHaveApplied: true,
      });
    }
    return new UpdateError({
      kind: failure.kind,
      message: failure.message,
      causes:
        failure.kind === 'timeout'
          ? [
              'named is not listening on this address and port',
              'a firewall drops the packets',
              'every reply failed verification (see the message)',
            ]
          : [],
      remedy:
        failure.kind === 'timeout'
          ? 'check the server address and port (dig @server zone SOA)'
          : '',
      server: this.server,
      zone,
      mayHaveApplied: failure.sent,
      ...(failure.cause ? { cause: failure.cause } : {}),
    });
  }
}

/** The header facts of a decoded reply. */
function replyHeader(reply: DecodedReply): UpdateReplyHeader {
  const { id, opcode, rcode, flags, counts } = reply.header;
  const question = reply.question;
  return {
    id,
    opcode,
    rcode,
    flags,
    counts,
    ...(question
      ? { zone: { name: question.name.toString(), class: question.class, type: question.type } }
      : {}),
  };
}
