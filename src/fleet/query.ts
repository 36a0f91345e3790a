/**
 * One DNS query to one server, for the propagation checks: built with the update module's
 * message codec, optionally TSIG-signed, sent through its transport (UDP, TCP when the reply is
 * truncated, replies matched by address, port and ID). This module only says what came back;
 * verdict.ts decides what it means.
 *
 * With a key, a reply is believed only when its TSIG verifies against our request (RFC 8945
 * §5.4); unsigned or wrongly signed replies are counted and ignored, and the exchange waits on
 * until its deadline. The one exception is the server's own unsigned BADSIG/BADKEY (§5.3.2),
 * held as a provisional answer: it says the key is not accepted, which is itself a verdict
 * (`tsig-error`), authenticated or not.
 */

import type { Key } from '../keys/key.js';
import { type DecodedReply, encodeQuery, OPCODE_QUERY } from '../update/message.js';
import type { Name } from '../update/names.js';
import { checkReply } from '../update/reply-check.js';
import { DnsTransport, type ExchangeFailure } from '../update/transport.js';
import { signRequest } from '../update/tsig.js';

/** How to send one query. */
export interface QueryOptions {
  readonly host: string;
  readonly port: number;
  /** Sign the query and believe only replies that verify. */
  readonly key?: Key | undefined;
  /** RD bit: false for an authoritative server (the checks), true for a resolver (discovery). */
  readonly recursionDesired?: boolean | undefined;
  /** Absolute deadline, `Date.now()` ms. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** Interval between UDP sends. Default: a third of the time left, at most 1 s. */
  readonly retryIntervalMs?: number | undefined;
  /** TCP from the start. */
  readonly tcp?: boolean | undefined;
  /** Clock in ms (TSIG time). Default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** A reply the query accepted. */
export interface QueryReply {
  readonly kind: 'reply';
  readonly reply: DecodedReply;
  readonly raw: Buffer;
  /** The reply's TSIG verified (false without a key, or for an unsigned BADSIG/BADKEY). */
  readonly authenticated: boolean;
  /** An unsigned BADSIG/BADKEY kept because nothing verified came (RFC 8945 §5.3.2). */
  readonly provisional: boolean;
  /** The TSIG error the server set (0 for none). */
  readonly tsigError: number;
  readonly transport: 'udp' | 'tcp';
  readonly ignored: readonly string[];
  readonly ignoredCount: number;
}

/** No reply was accepted. */
export interface QueryFailure {
  readonly kind: 'no-reply';
  readonly failure: ExchangeFailure;
  /** A key was used: ignored replies then mean unverifiable answers. */
  readonly signed: boolean;
}

export type QueryOutcome = QueryReply | QueryFailure;

/** Sends `type` `name` IN to one server and returns what came back. Never throws. */
export async function queryServer(
  name: Name,
  type: number,
  options: QueryOptions,
): Promise<QueryOutcome> {
  const now = options.now ?? Date.now;
  const transport = new DnsTransport(options.host, options.port);
  const key = options.key;
  const noReply = (failure: ExchangeFailure): QueryFailure => ({
    kind: 'no-reply',
    failure,
    signed: key !== undefined,
  });
  try {
    const reserved = await transport.reserveId({
      deadline: options.deadline,
      signal: options.signal,
    });
    if ('failure' in reserved)
      return noReply({ ...reserved.failure, ignored: [], ignoredCount: 0, sent: false });
    const id = reserved.id;
    let bytes = encodeQuery(id, name, type, options.recursionDesired ?? false);
    let mac: Buffer | undefined;
    if (key) {
      const signed = signRequest(bytes, key, { time: Math.floor(now() / 1000) });
      if (!signed) {
        transport.releaseId(id);
        return noReply({
          kind: 'network',
          message: `the key name ${key.name} is not a domain name (nothing was sent)`,
          ignored: [],
          ignoredCount: 0,
          sent: false,
        });
      }
      bytes = signed.message;
      mac = signed.mac;
    }
    const left = Math.max(0, options.deadline - Date.now());
    const retry = options.retryIntervalMs ?? Math.max(100, Math.min(1000, Math.floor(left / 3)));
    const outcome = await transport.exchange(
      bytes,
      id,
      (reply) =>
        checkReply(reply, {
          opcode: OPCODE_QUERY,
          id,
          key,
          requestMac: mac,
          nowSeconds: Math.floor(now() / 1000),
          question: { name, type },
          sent: 'query',
        }),
      {
        deadline: options.deadline,
        signal: options.signal,
        retryIntervalMs: retry,
        tries: Math.max(1, Math.ceil(left / Math.max(1, retry))),
        graceMs: Math.min(retry, 1000),
        ...(options.tcp ? { tcp: true } : {}),
      },
    );
    if (!outcome.ok) return noReply(outcome.failure);
    const { reply, raw, authenticated } = outcome.value.value;
    return {
      kind: 'reply',
      reply,
      raw,
      authenticated,
      provisional: outcome.value.provisional,
      tsigError: reply.tsig?.record.error ?? 0,
      transport: outcome.value.transport,
      ignored: outcome.value.ignored,
      ignoredCount: outcome.value.ignoredCount,
    };
  } finally {
    transport.close();
  }
}
