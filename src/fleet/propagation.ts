/**
 * Propagation verdicts: does every server that should serve a zone serve the change?
 *
 * {@link checkPropagation} asks each server directly (RD=0; UDP, TCP when truncated; TSIG per
 * server) for the zone's SOA and maps what comes back to one {@link Verdict} (the table is in
 * verdict.ts): `served`, `stale`, `diverged`, `unreachable`, `refused`, `tsig-error`,
 * `not-authoritative` or `lame`. The target serial is the caller's, or the primary's own.
 * With `compareContent`, each server that serves the primary's serial is transferred (AXFR) and
 * its canonical digest compared with the primary's: same serial, other data is `diverged`.
 *
 * {@link waitForPropagation} repeats the check with backoff until every server (or a quorum)
 * serves the target, optionally nudging with rndc first (`notify` on the primary, `refresh` or
 * `retransfer` on the secondaries), and returns the verdicts either way.
 *
 * Every call settles by its deadline; nothing here throws for what a server sends.
 */

import type { RndcClient } from '../control/client.js';
import { settleBy } from '../deadline.js';
import { RndcLibraryError } from '../errors.js';
import { Key, type KeySpec } from '../keys/key.js';
import { logger } from '../log.js';
import { Err, Ok, type Result } from '../result.js';
import { isSerial } from '../serial.js';
import { TYPE_SOA } from '../update/message.js';
import { Name, parseName } from '../update/names.js';
import { zoneDigest } from './content.js';
import { type DiscoveredServer, discoverServers } from './discover.js';
import { queryServer } from './query.js';
import { classifySoa, compareToTarget, type Verdict } from './verdict.js';

/** One server to check. */
export interface PropagationServer {
  /** An IP address (or a host name for the SOA queries; content comparison needs an address). */
  readonly host: string;
  /** DNS port. Default 53. */
  readonly port?: number | undefined;
  /**
   * TSIG key for this server's queries and transfers; `null`: unsigned even when the call has a
   * default `key`. Default: the call's `key`.
   */
  readonly key?: Key | KeySpec | null | undefined;
  /** A name for reports (`ns2`, `hidden`…). */
  readonly label?: string | undefined;
  /** Control channel of this server, for {@link WaitForPropagationOptions.nudge}. */
  readonly rndc?: RndcClient | undefined;
}

/** A server discovery asks. */
export interface DiscoveryVia extends PropagationServer {
  /** Ask with RD=1 (a resolver). Default true. */
  readonly recursive?: boolean | undefined;
}

/** How to find servers from the DNS (see discover.ts). */
export interface DiscoverOptions {
  /**
   * Whom to ask: default the primary (RD=0). A resolver given here is asked with RD=1
   * (`recursive`, default true for it).
   */
  readonly via?: DiscoveryVia | undefined;
  /** DNS port of discovered servers. Default 53. */
  readonly port?: number | undefined;
  /**
   * Turns a discovered server into one to check (its port, key, rndc…), or leaves it out
   * (`undefined`). Default: `{ host: address, port, label: name }`.
   */
  readonly map?: (server: DiscoveredServer) => PropagationServer | undefined;
  /** Most server names followed. Default 32. */
  readonly maxServers?: number | undefined;
}

/** Options of {@link checkPropagation}. */
export interface CheckPropagationOptions {
  /** The zone, with or without the trailing dot. */
  readonly zone: string;
  /**
   * The reference: its serial is the target when `serial` is not given, its transfer the
   * reference content. Required unless `serial` is given (and then content is not compared).
   */
  readonly primary?: PropagationServer | undefined;
  /** Servers to check (hidden secondaries included). */
  readonly servers?: readonly PropagationServer[] | undefined;
  /** Also check the servers found in the zone's NS set and SOA MNAME. */
  readonly discover?: boolean | DiscoverOptions | undefined;
  /** The serial each server must serve (or pass, in RFC 1982 order). Default: the primary's. */
  readonly serial?: number | undefined;
  /** Default TSIG key of every server (each may override it). */
  readonly key?: Key | KeySpec | undefined;
  /** Compare each server's zone content with the primary's (AXFR digests). */
  readonly compareContent?: boolean | undefined;
  /** When the primary got the target serial: stale verdicts then carry `lagSeconds`. */
  readonly changedAt?: Date | number | undefined;
  /** Deadline of the whole call, ms. Default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** Ends the call early; what was found so far is returned (`unreachable` for the rest). */
  readonly signal?: AbortSignal | undefined;
  /** Query over TCP from the start. */
  readonly tcp?: boolean | undefined;
}

/** One server's verdict. */
export interface ServerVerdict {
  /** `host#port`. */
  readonly server: string;
  /** The server's label, as given (or the discovered name). */
  readonly label?: string;
  /** What it does with the zone. */
  readonly verdict: Verdict;
  /** The answer's TSIG verified. */
  readonly authenticated: boolean;
  /** When the server was first seen serving the target (content equal, when compared). */
  readonly servedAt?: Date;
  /** Milliseconds the check of this server took. */
  readonly elapsedMs: number;
}

/** What {@link checkPropagation} found. */
export interface PropagationReport {
  /** The zone, absolute. */
  readonly zone: string;
  /** The serial compared against. */
  readonly target: number;
  /** The primary's own check, when one was given. */
  readonly primary?: ServerVerdict;
  /** The primary's content digest (SHA-256 hex), when content was compared. */
  readonly primaryDigest?: string;
  /** One per server, in the order given (explicit servers first, then discovered ones). */
  readonly servers: readonly ServerVerdict[];
  /** Servers whose verdict is `served` (with equal content, when compared). */
  readonly served: number;
  /** When the report was made. */
  readonly checkedAt: Date;
}

/** Kinds of {@link PropagationError}. */
export type PropagationErrorKind =
  /** A bad zone, server, key or option: nothing was sent. */
  | 'invalid-argument'
  /** No target serial: none was given and the primary did not serve the zone. */
  | 'no-reference'
  /** No server to check (none given, discovery found none). */
  | 'no-servers'
  /** The signal aborted before there was anything to report (nothing or only the primary checked). */
  | 'aborted';

/** Why a propagation check could not even start. */
export class PropagationError extends RndcLibraryError<PropagationErrorKind> {
  /** The zone asked about. */
  readonly zone: string;
  /** The primary's verdict, for `no-reference`. */
  readonly primary: ServerVerdict | undefined;
  constructor(
    details: {
      kind: PropagationErrorKind;
      message: string;
      causes?: readonly string[];
      remedy?: string;
    },
    zone: string,
    primary?: ServerVerdict,
  ) {
    super(details);
    this.zone = zone;
    this.primary = primary;
  }
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly key: Key | undefined;
  readonly label: string | undefined;
  readonly rndc: RndcClient | undefined;
  readonly server: string;
}

interface Plan {
  readonly zoneText: string;
  readonly zone: Name;
  readonly primary: Target | undefined;
  readonly targets: readonly Target[];
  readonly compareContent: boolean;
  readonly tcp: boolean;
}

const log = logger('rndc:fleet');

const DEFAULT_CHECK_TIMEOUT_MS = 10_000;
/** The detail of a check the caller's signal cut short. */
const ABORTED = 'the check was aborted';
/** Shortest time left for which {@link waitForPropagation} starts another round. */
const MIN_ROUND_MS = 100;

/** The error of a check or wait whose signal aborted before any verdict could be reported. */
function abortedBeforeStart(zone: string): PropagationError {
  return new PropagationError(
    {
      kind: 'aborted',
      message: `the propagation check of ${zone} was aborted before it could report`,
    },
    zone,
  );
}

/**
 * Checks every server once. Never throws; settles by `timeoutMs`. An abort before the primary's
 * serial is known is `Err` of kind `aborted`; later, servers not checked report `unreachable`
 * ("not checked (aborted)").
 */
export async function checkPropagation(
  options: CheckPropagationOptions,
): Promise<Result<PropagationReport, PropagationError>> {
  if (options.signal?.aborted) return Err(abortedBeforeStart(options.zone));
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS);
  const plan = await makePlan(options, deadline);
  if (plan.isErr()) return plan;
  const reference = await referenceOf(plan.value, options, deadline);
  if (reference.isErr()) return reference;
  const round = await checkRound(
    plan.value,
    plan.value.targets,
    reference.value,
    deadline,
    options.signal,
  );
  return Ok(report(plan.value, reference.value, round, new Map(), await digestOf(reference.value)));
}

/** How {@link WaitForPropagationOptions.nudge} nudges the secondaries. */
export interface NudgeOptions {
  /** `retransfer` instead of `refresh`; `'force'`: `retransfer -force` (BIND 9.20.1+). */
  readonly retransfer?: boolean | 'force' | undefined;
}

/** Options of {@link waitForPropagation}. */
export interface WaitForPropagationOptions extends CheckPropagationOptions {
  /** Deadline of the whole wait, ms. Default 60 000. */
  readonly timeoutMs?: number | undefined;
  /** Deadline of each server's check in one round, ms. Default 2 000. */
  readonly attemptTimeoutMs?: number | undefined;
  /** Servers that must serve the target for the goal to be met. Default: all of them. */
  readonly quorum?: number | undefined;
  /**
   * Before waiting: `rndc notify` on the primary and `rndc refresh` on every secondary not
   * serving the target (those with an `rndc` client). `{ retransfer: true }` sends `retransfer`
   * instead of `refresh`; `{ retransfer: 'force' }` sends `retransfer -force` (BIND 9.20.1+; an
   * older server gets nothing and the nudge says `not-in-this-version`).
   */
  readonly nudge?: boolean | NudgeOptions | undefined;
  /** First pause between rounds, ms; doubles each round up to `maxIntervalMs`. Default 200. */
  readonly intervalMs?: number | undefined;
  /** Longest pause between rounds, ms. Default 5 000. */
  readonly maxIntervalMs?: number | undefined;
}

/** One rndc command a nudge sent. */
export interface Nudge {
  /** `host#port` of the DNS server nudged. */
  readonly server: string;
  /** The rndc command (`refresh prop.test.`). */
  readonly command: string;
  /** named accepted the command (it only queues the refresh or transfer). */
  readonly ok: boolean;
  /** The error's kind and message when it failed. */
  readonly error?: string;
}

/** What {@link waitForPropagation} saw last, and whether the goal was met. */
export interface PropagationWait extends PropagationReport {
  /** At least `quorum` servers served the target by the deadline. */
  readonly met: boolean;
  /** Servers that had to serve the target. */
  readonly quorum: number;
  /** Rounds of checks made. */
  readonly rounds: number;
  /** Milliseconds the wait took. */
  readonly elapsedMs: number;
  /** The rndc commands sent, with their outcome. */
  readonly nudges: readonly Nudge[];
  /** The wait ended because the signal aborted. */
  readonly aborted: boolean;
}

/**
 * Checks until `quorum` servers (default all) serve the target, the deadline passes or the
 * signal aborts. The result is `Ok` whether or not the goal was met (`met` says which), with the
 * last verdict of every server; `Err` only when nothing could be checked: invalid arguments,
 * no server, or no target serial (none given and the primary never served the zone before the
 * deadline). Never throws.
 */
export async function waitForPropagation(
  options: WaitForPropagationOptions,
): Promise<Result<PropagationWait, PropagationError>> {
  if (options.signal?.aborted) return Err(abortedBeforeStart(options.zone));
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 60_000);
  const plan = await makePlan(options, deadline);
  if (plan.isErr()) return plan;
  const { targets } = plan.value;
  const quorum = options.quorum ?? targets.length;
  if (!Number.isInteger(quorum) || quorum < 1 || quorum > targets.length) {
    return Err(
      new PropagationError(
        {
          kind: 'invalid-argument',
          message: `quorum must be an integer from 1 to ${targets.length} (the servers checked), not ${String(quorum)}`,
        },
        plan.value.zoneText,
      ),
    );
  }
  const reference = await referenceOf(plan.value, options, deadline);
  if (reference.isErr()) return reference;
  const attemptMs = options.attemptTimeoutMs ?? 2_000;
  const maxInterval = options.maxIntervalMs ?? 5_000;
  let interval = options.intervalMs ?? 200;
  const latest = new Map<Target, ServerVerdict>();
  const servedAt = new Map<Target, Date>();
  const nudges: Nudge[] = [];
  let rounds = 0;
  let nudged = false;
  for (;;) {
    const pending = targets.filter((t) => !servedAt.has(t));
    const roundDeadline = Math.min(deadline, Date.now() + attemptMs);
    const round = await checkRound(
      plan.value,
      pending,
      reference.value,
      roundDeadline,
      options.signal,
    );
    rounds++;
    for (const [target, verdict] of round) {
      // A check cut short by the caller's abort says nothing new: the last real verdict stands.
      if (options.signal?.aborted && latest.has(target) && verdict.verdict.detail === ABORTED)
        continue;
      latest.set(target, verdict);
      if (isServed(verdict, plan.value.compareContent)) servedAt.set(target, new Date());
    }
    const met = servedAt.size >= quorum;
    const aborted = options.signal?.aborted ?? false;
    log(
      '%s serial %d: round %d, %d of %d served (quorum %d)',
      plan.value.zoneText,
      reference.value.target,
      rounds,
      servedAt.size,
      targets.length,
      quorum,
    );
    if (met || aborted || Date.now() >= deadline) {
      const base = report(
        plan.value,
        reference.value,
        latest,
        servedAt,
        await digestOf(reference.value),
      );
      return Ok({ ...base, met, quorum, rounds, elapsedMs: Date.now() - started, nudges, aborted });
    }
    if (options.nudge && !nudged) {
      nudged = true;
      nudges.push(
        ...(await nudge(
          plan.value,
          pending.filter((t) => !servedAt.has(t)),
          options,
          deadline,
        )),
      );
    }
    await pause(Math.min(interval, Math.max(0, deadline - Date.now())), options.signal);
    interval = Math.min(maxInterval, interval * 2);
    // No round is started without time for it: the last verdicts stand (a round cut short by
    // the deadline would turn every answer into `unreachable`).
    if (options.signal?.aborted || deadline - Date.now() < MIN_ROUND_MS) {
      const base = report(
        plan.value,
        reference.value,
        latest,
        servedAt,
        await digestOf(reference.value),
      );
      const met = servedAt.size >= quorum;
      const aborted = options.signal?.aborted ?? false;
      return Ok({ ...base, met, quorum, rounds, elapsedMs: Date.now() - started, nudges, aborted });
    }
  }
}

/** A verdict that counts as serving the target. */
export function isServed(verdict: ServerVerdict, compareContent: boolean): boolean {
  if (verdict.verdict.kind !== 'served') return false;
  return !compareContent || verdict.verdict.content?.status === 'equal';
}

interface Reference {
  readonly target: number;
  readonly targetSince: number | undefined;
  readonly primary: ServerVerdict | undefined;
  /** The primary's digest and its serial (content comparison), or why there is none. */
  readonly digest: Promise<{ digest: string; serial: number } | { reason: string }> | undefined;
}

async function referenceOf(
  plan: Plan,
  options: CheckPropagationOptions,
  deadline: number,
): Promise<Result<Reference, PropagationError>> {
  const since =
    options.changedAt === undefined
      ? undefined
      : typeof options.changedAt === 'number'
        ? options.changedAt
        : options.changedAt.getTime();
  let primaryVerdict: ServerVerdict | undefined;
  let target = options.serial;
  if (plan.primary) {
    const [checked] = await checkRound(plan, [plan.primary], undefined, deadline, options.signal);
    primaryVerdict = checked?.[1];
    const served = primaryVerdict?.verdict;
    if (target === undefined) {
      if (served?.kind !== 'served' && options.signal?.aborted) {
        return Err(abortedBeforeStart(plan.zoneText));
      }
      if (served?.kind !== 'served') {
        return Err(
          new PropagationError(
            {
              kind: 'no-reference',
              message: `no target serial for ${plan.zoneText}: none was given and the primary ${plan.primary.server} ${served ? `answered: ${served.detail}` : 'was not checked'}`,
              causes: [
                'the primary is down or unreachable',
                'the key is not accepted',
                'the zone is not loaded on the primary',
              ],
              remedy: 'check the primary (dig @primary zone SOA), or pass the serial to wait for',
            },
            plan.zoneText,
            primaryVerdict,
          ),
        );
      }
      target = served.serial;
    }
  }
  if (target === undefined) {
    return Err(
      new PropagationError(
        { kind: 'invalid-argument', message: 'give a primary or a serial' },
        plan.zoneText,
      ),
    );
  }
  const primary = plan.primary;
  const digest =
    plan.compareContent && primary
      ? zoneDigest({
          host: primary.host,
          port: primary.port,
          zone: plan.zoneText,
          key: primary.key,
          deadline,
          signal: options.signal,
        }).then((r) =>
          r.isOk()
            ? { digest: r.value.digest, serial: r.value.serial }
            : { reason: `the primary's transfer failed: ${r.error.message}` },
        )
      : undefined;
  return Ok({ target, targetSince: since, primary: primaryVerdict, digest });
}

/** One check of each target, in parallel, each settled by the deadline. */
async function checkRound(
  plan: Plan,
  targets: readonly Target[],
  reference: Reference | undefined,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<Array<[Target, ServerVerdict]>> {
  return Promise.all(
    targets.map(async (target): Promise<[Target, ServerVerdict]> => {
      const started = Date.now();
      const verdict = await settleBy(
        // The work's own deadline comes a little earlier, so that its verdict (replies ignored
        // for their TSIG → tsig-error) is the one given, not the safety net's.
        checkOne(plan, target, reference, innerDeadline(deadline), signal),
        deadline,
        (why): { verdict: Verdict; authenticated: boolean } => ({
          verdict: {
            kind: 'unreachable',
            detail: why === 'aborted' ? ABORTED : 'no verdict before the deadline',
          },
          authenticated: false,
        }),
        signal,
      );
      return [
        target,
        {
          server: target.server,
          ...(target.label !== undefined ? { label: target.label } : {}),
          ...verdict,
          elapsedMs: Date.now() - started,
        },
      ];
    }),
  );
}

async function checkOne(
  plan: Plan,
  target: Target,
  reference: Reference | undefined,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<{ verdict: Verdict; authenticated: boolean }> {
  const outcome = await queryServer(plan.zone, TYPE_SOA, {
    host: target.host,
    port: target.port,
    key: target.key,
    deadline,
    signal,
    tcp: plan.tcp,
  });
  const authenticated = outcome.kind === 'reply' && outcome.authenticated;
  const answer = classifySoa(outcome, plan.zone);
  if (answer.kind === 'verdict') return { verdict: answer.verdict, authenticated };
  if (!reference) {
    return {
      verdict: { kind: 'served', serial: answer.serial, detail: `serves serial ${answer.serial}` },
      authenticated,
    };
  }
  const verdict = compareToTarget(answer.serial, reference.target, reference.targetSince);
  if (verdict.kind !== 'served' || !reference.digest) return { verdict, authenticated };
  const ref = await reference.digest;
  if ('reason' in ref)
    return {
      verdict: { ...verdict, content: { status: 'unavailable', reason: ref.reason } },
      authenticated,
    };
  if (ref.serial !== answer.serial) {
    return {
      verdict: {
        ...verdict,
        content: {
          status: 'unavailable',
          reason: `the server's serial ${answer.serial} is not the primary's ${ref.serial}: nothing to compare`,
        },
      },
      authenticated,
    };
  }
  const own = await zoneDigest({
    host: target.host,
    port: target.port,
    zone: plan.zoneText,
    key: target.key,
    deadline,
    signal,
  });
  if (own.isErr()) {
    return {
      verdict: {
        ...verdict,
        content: { status: 'unavailable', reason: `transfer failed: ${own.error.message}` },
      },
      authenticated,
    };
  }
  if (own.value.serial === ref.serial && own.value.digest !== ref.digest) {
    return {
      verdict: {
        kind: 'diverged',
        serial: answer.serial,
        digest: own.value.digest,
        referenceDigest: ref.digest,
        detail: `serves serial ${answer.serial} like the primary, with other content (${own.value.records} records, digest ${own.value.digest.slice(0, 12)}… ≠ ${ref.digest.slice(0, 12)}…)`,
      },
      authenticated,
    };
  }
  if (own.value.serial !== ref.serial) {
    return {
      verdict: {
        ...verdict,
        content: {
          status: 'unavailable',
          reason: `the transfer came at serial ${own.value.serial}, not ${ref.serial}`,
        },
      },
      authenticated,
    };
  }
  return {
    verdict: { ...verdict, content: { status: 'equal', digest: own.value.digest } },
    authenticated,
  };
}

/** The deadline given to the work under a `settleBy(deadline)`: up to 50 ms earlier. */
function innerDeadline(deadline: number): number {
  const left = deadline - Date.now();
  return deadline - Math.max(0, Math.min(50, Math.floor(left / 10)));
}

function report(
  plan: Plan,
  reference: Reference,
  verdicts: Iterable<[Target, ServerVerdict]> | ReadonlyMap<Target, ServerVerdict>,
  servedAt: ReadonlyMap<Target, Date>,
  primaryDigest: string | undefined,
): PropagationReport {
  const byTarget = new Map(verdicts);
  const now = new Date();
  const servers = plan.targets.map((target) => {
    const verdict: ServerVerdict = byTarget.get(target) ?? {
      server: target.server,
      ...(target.label !== undefined ? { label: target.label } : {}),
      verdict: { kind: 'unreachable', detail: 'not checked (aborted)' },
      authenticated: false,
      elapsedMs: 0,
    };
    const at = servedAt.get(target) ?? (isServed(verdict, plan.compareContent) ? now : undefined);
    return at ? { ...verdict, servedAt: at } : verdict;
  });
  return {
    zone: plan.zoneText,
    target: reference.target,
    ...(reference.primary ? { primary: reference.primary } : {}),
    ...(primaryDigest !== undefined ? { primaryDigest } : {}),
    servers,
    served: servers.filter((s) => isServed(s, plan.compareContent)).length,
    checkedAt: now,
  };
}

/** The primary's digest once its transfer is over (at once when it already is), if any. */
async function digestOf(reference: Reference): Promise<string | undefined> {
  const digest = await reference.digest;
  return digest && 'digest' in digest ? digest.digest : undefined;
}

async function nudge(
  plan: Plan,
  pending: readonly Target[],
  options: WaitForPropagationOptions,
  deadline: number,
): Promise<Nudge[]> {
  const retransfer = typeof options.nudge === 'object' ? options.nudge.retransfer : undefined;
  const calls: Array<Promise<Nudge>> = [];
  const timeoutMs = Math.max(1, Math.min(5_000, deadline - Date.now()));
  const send = (
    target: Target,
    command: string,
    run: () => Promise<Result<unknown, RndcLibraryError>>,
  ) =>
    settleBy(
      run().then(
        (r): Nudge =>
          r.isOk()
            ? { server: target.server, command, ok: true }
            : {
                server: target.server,
                command,
                ok: false,
                error: `${r.error.kind}: ${r.error.message}`,
              },
        (error: unknown): Nudge => ({
          server: target.server,
          command,
          ok: false,
          error: String(error),
        }),
      ),
      Date.now() + timeoutMs,
      (why): Nudge => ({ server: target.server, command, ok: false, error: why }),
      options.signal,
    );
  const primary = plan.primary;
  if (primary?.rndc) {
    const rndc = primary.rndc;
    calls.push(
      send(primary, `notify ${plan.zoneText}`, () => rndc.notify(plan.zoneText, { timeoutMs })),
    );
  }
  for (const target of pending) {
    const rndc = target.rndc;
    if (!rndc || target === primary) continue;
    if (retransfer) {
      const force = retransfer === 'force';
      calls.push(
        send(target, `retransfer ${force ? '-force ' : ''}${plan.zoneText}`, () =>
          rndc.retransfer(plan.zoneText, { timeoutMs, force }),
        ),
      );
    } else {
      calls.push(
        send(target, `refresh ${plan.zoneText}`, () => rndc.refresh(plan.zoneText, { timeoutMs })),
      );
    }
  }
  return Promise.all(calls);
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

async function makePlan(
  options: CheckPropagationOptions,
  deadline: number,
): Promise<Result<Plan, PropagationError>> {
  const zoneText = typeof options.zone === 'string' ? options.zone : '';
  const invalid = (message: string) =>
    Err(
      new PropagationError(
        { kind: 'invalid-argument', message, remedy: 'fix the argument; nothing was sent' },
        zoneText,
      ),
    );
  const zone = parseName(zoneText.endsWith('.') ? zoneText : `${zoneText}.`, Name.root);
  if (zoneText === '' || zone.isErr())
    return invalid(`zone ${JSON.stringify(options.zone)} is not a domain name`);
  if (options.serial !== undefined && !isSerial(options.serial))
    return invalid(`serial must be an integer from 0 to 4294967295, not ${String(options.serial)}`);
  if (
    options.timeoutMs !== undefined &&
    !(
      Number.isFinite(options.timeoutMs) &&
      options.timeoutMs >= 0 &&
      options.timeoutMs <= 2_147_483_647
    )
  )
    return invalid(
      `timeoutMs must be a number from 0 to 2147483647, not ${String(options.timeoutMs)}`,
    );
  let defaultKey: Key | undefined;
  if (options.key !== undefined) {
    const key = Key.of(options.key);
    if (key.isErr()) return invalid(`key: ${key.error.message}`);
    defaultKey = key.value;
  }
  const toTarget = (server: PropagationServer, what: string): Result<Target, PropagationError> => {
    if (typeof server?.host !== 'string' || server.host === '')
      return invalid(`${what}: host is missing`);
    const port = server.port ?? 53;
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      return invalid(`${what}: port must be 1-65535, not ${String(port)}`);
    let key = defaultKey;
    if (server.key === null) key = undefined;
    else if (server.key !== undefined) {
      const made = Key.of(server.key);
      if (made.isErr()) return invalid(`${what}: key: ${made.error.message}`);
      key = made.value;
    }
    return Ok({
      host: server.host,
      port,
      key,
      label: server.label,
      rndc: server.rndc,
      server: `${server.host}#${port}`,
    });
  };
  let primary: Target | undefined;
  if (options.primary) {
    const made = toTarget(options.primary, 'primary');
    if (made.isErr()) return made;
    primary = made.value;
  }
  if (options.serial === undefined && !primary)
    return invalid('give a primary (the reference) or the serial to wait for');
  if (options.compareContent && !primary)
    return invalid('compareContent needs a primary (the reference content)');
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (target: Target) => {
    if (seen.has(target.server)) return;
    seen.add(target.server);
    targets.push(target);
  };
  for (const [i, server] of (options.servers ?? []).entries()) {
    const made = toTarget(server, `servers[${i}]`);
    if (made.isErr()) return made;
    add(made.value);
  }
  if (options.discover) {
    const discover: DiscoverOptions = typeof options.discover === 'object' ? options.discover : {};
    const viaSpec = discover.via ?? options.primary;
    if (!viaSpec) return invalid('discover needs a primary or discover.via to ask');
    const via = toTarget(viaSpec, 'discover.via');
    if (via.isErr()) return via;
    const found = await discoverServers(zone.value, {
      host: via.value.host,
      port: via.value.port,
      key: via.value.key,
      recursive: discover.via ? (discover.via.recursive ?? true) : false,
      deadline,
      signal: options.signal,
      ...(discover.maxServers !== undefined ? { maxServers: discover.maxServers } : {}),
    });
    for (const server of found.servers) {
      const mapped = discover.map
        ? discover.map(server)
        : { host: server.address, port: discover.port ?? 53, label: server.name };
      if (!mapped) continue;
      const made = toTarget(mapped, `discovered ${server.name}`);
      if (made.isErr()) return made;
      add(made.value);
    }
  }
  if (targets.length === 0) {
    return Err(
      new PropagationError(
        {
          kind: 'no-servers',
          message: `no server to check for ${zoneText}`,
          remedy: "list the servers, or discover them from the zone's NS set (discover: true)",
        },
        zoneText,
      ),
    );
  }
  return Ok({
    zoneText: zone.value.toString(),
    zone: zone.value,
    primary,
    targets,
    compareContent: options.compareContent ?? false,
    tcp: options.tcp ?? false,
  });
}
