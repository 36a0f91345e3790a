/**
 * One TCP connection to named's control channel — the only code that touches a control socket.
 *
 * Rules it enforces (bin/named/controlconf.c and lib/isccc/cc.c in BIND):
 * - the first message of a connection is a `null` handshake: named never executes it, and its
 *   reply carries the connection's nonce, which every later message repeats;
 * - one request in flight, each frame written with a single `write()` (9.18 drops pipelined frames
 *   and closes on a split length prefix);
 * - every reply is verified (MAC, `_rpl`, `_ser` echo, nonce) before it is believed; a verified
 *   copy of an earlier reply of the same connection (duplicated or delayed in transit) is skipped,
 *   never taken as the answer to a later command;
 * - named closes idle connections after 30 s, so a connection idle for longer than
 *   `idleReconnectMs`, or one the server already closed, is replaced before sending. A command is
 *   re-sent only when it is read-only and the connection died before any reply: a command that may
 *   already have run is never sent twice.
 */
import { connect, type Socket } from 'node:net';
import type { Key } from '../keys/key.js';
import { logger } from '../log.js';
import { Err, Ok, type Result } from '../result.js';
import { type ConnectTraceContext, traced, tracingChannels } from '../tracing.js';
import { MAX_REQUEST_LENGTH } from './codec.js';
import { RndcError, type RndcErrorDetails, SILENT_CLOSE_CAUSES } from './errors.js';
import { FrameAssembler } from './framing.js';
import { decodeReply, encodeRequest, type Reply, type ReplyFailure } from './message.js';
import { type ServerVersion, versionFromStatus } from './versions.js';

const log = logger('rndc:control');

/** Frames received unasked while a request runs before the connection is declared a flood. */
const MAX_EARLY_FRAMES = 16;

/** Bytes a signed request adds around the command text (sha `_auth` + `_ctrl` with nonce). */
const REQUEST_OVERHEAD_BYTES = 240;

/** Settings of one session. */
export interface SessionConfig {
  /** Where named listens; tried in order when a connection fails (as rndc does, §7.2). */
  readonly addresses: readonly ControlAddress[];
  readonly key: Key;
  /** Largest reply frame accepted. */
  readonly maxReplyBytes: number;
  /** Reconnect before sending when the connection has been idle this long (named closes at 30 s). */
  readonly idleReconnectMs: number;
  /** Source of `_ser` values, shared by every session of the process. */
  readonly nextSerial: () => number;
  /** Local addresses to connect from (rndc's -b / source-address[-v6]), by address family. */
  readonly sourceAddress?: string | undefined;
  readonly sourceAddressV6?: string | undefined;
  /** Clock for `_tim`, milliseconds since the epoch. */
  readonly now: () => number;
  /** Told about connections opened, closed for idleness, and failures (the pool's events). */
  readonly onEvent?: ((event: SessionEvent) => void) | undefined;
}

/** What a session reports to its pool. */
export type SessionEvent =
  | { readonly type: 'connect'; readonly server: string; readonly reconnect: boolean }
  | { readonly type: 'idleClose'; readonly server: string; readonly idleMs: number }
  | { readonly type: 'error'; readonly server: string; readonly error: RndcError };

/** Error kinds that are the caller's doing or named's answer, not a connection failure. */
const NOT_CONNECTION_ERRORS: ReadonlySet<string> = new Set([
  'aborted',
  'closed',
  'not-in-this-version',
  'invalid-argument',
  'request-too-large',
]);

/** A control-channel endpoint. */
export interface ControlAddress {
  /** IP address or host name. */
  readonly host: string;
  /** Control port. */
  readonly port: number;
}

/** Per-request settings. */
export interface RequestOptions {
  /** Absolute deadline, `Date.now()` milliseconds, covering connect, handshake and reply. */
  readonly deadline: number;
  readonly signal?: AbortSignal | undefined;
  /** The command changes nothing, so it may be re-sent if the connection died before a reply. */
  readonly resendable: boolean;
  /**
   * Called with the server's version right before the command is written, on the connection
   * that will carry it; an error returned is the outcome and the command is not sent. When the
   * connection's version is not known yet, one `status` is sent first on that connection to
   * learn it (once per connection: the version is kept until the connection closes).
   */
  readonly versionCheck?: (version: ServerVersion | undefined) => RndcError | undefined;
}

type WaitOutcome =
  | { readonly type: 'frame'; readonly frame: Buffer }
  | { readonly type: 'closed'; readonly error?: Error }
  | { readonly type: 'too-large'; readonly length: number }
  | { readonly type: 'bad-length'; readonly length: number }
  | { readonly type: 'flood'; readonly frames: number }
  | { readonly type: 'timeout' }
  | { readonly type: 'aborted' }
  | { readonly type: 'client-closed' };

/** A control-channel connection with its nonce. Not safe for concurrent requests: use a pool. */
export class ControlSession {
  readonly #config: SessionConfig;
  #server: string;
  #socket: Socket | undefined;
  #nonce: string | undefined;
  #alive = false;
  #lastActivity = 0;
  #assembler: FrameAssembler;
  #waiter: ((outcome: WaitOutcome) => void) | undefined;
  /** Outcomes that arrived while a request was running but nobody was waiting, in order. */
  #early: WaitOutcome[] = [];
  #busy = false;
  /** Closes the connection once it has been idle for `idleReconnectMs`. */
  #idleTimer: NodeJS.Timeout | undefined;
  /** Set by {@link close}: requests then fail with `closed` instead of reconnecting. */
  #closed = false;
  /** Ends the connect in progress when the session is closed (a wait is ended via `#waiter`). */
  #stopConnect: (() => void) | undefined;
  /** The address of the current (or last) connection. */
  #address: ControlAddress | undefined;
  /**
   * `_ser` of the first request of this connection and of the last one answered: a request's
   * serial comes from one process-wide counter and requests on a connection are sequential, so
   * every earlier reply of the connection carries a serial in this (wrapping) range.
   */
  #serials: { readonly first: number; last: number } | undefined;
  /** What arrived after a verified reply on this connection (which is then not reused). */
  #stray: string | undefined;
  /**
   * The server's version, from an authenticated `status` reply on the current connection.
   * Forgotten with the connection: the next one may reach a restarted (upgraded) named.
   */
  #version: ServerVersion | undefined;
  /** Connections this session has opened (handshaken); more than one means reconnects. */
  #opened = 0;

  constructor(config: SessionConfig) {
    this.#config = config;
    this.#server = formatAddress(config.addresses[0]);
    this.#assembler = new FrameAssembler(config.maxReplyBytes);
  }

  /** `host#port`, as BIND prints addresses. */
  get server(): string {
    return this.#server;
  }

  /** True while a request is running. */
  get busy(): boolean {
    return this.#busy;
  }

  /** True when the connection is open, handshaken and recently used. */
  get connected(): boolean {
    return this.#usable();
  }

  /** True while a TCP connection is open (handshaken or being set up). */
  get open(): boolean {
    return this.#socket !== undefined && this.#alive;
  }

  /** The server's version learnt on the current connection, if any and still usable. */
  get serverVersion(): ServerVersion | undefined {
    return this.#usable() ? this.#version : undefined;
  }

  /** Sends one command and returns named's verified reply. */
  async request(command: string, options: RequestOptions): Promise<Result<Reply, RndcError>> {
    if (this.#busy) throw new Error('ControlSession.request called while a request is in flight');
    if (this.#closed) return Err(this.#closedError(command, false));
    if (options.signal?.aborted) {
      return Err(
        this.#error({
          kind: 'aborted',
          message: `'${firstWord(command)}' was aborted before it was sent`,
          command,
          mayHaveRun: false,
        }),
      );
    }
    this.#busy = true;
    try {
      const result = await this.#request(command, options);
      if (result.isErr() && !NOT_CONNECTION_ERRORS.has(result.error.kind)) {
        this.#config.onEvent?.({ type: 'error', server: this.#server, error: result.error });
      }
      return result;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Closes the connection (politely: FIN). A request in flight ends at once with `closed` (with
   * `mayHaveRun` when it was already sent), and later requests fail with `closed`.
   */
  close(): void {
    this.#closed = true;
    this.#stopConnect?.();
    this.#waiter?.({ type: 'client-closed' });
    this.#teardown();
  }

  async #request(command: string, options: RequestOptions): Promise<Result<Reply, RndcError>> {
    if (Buffer.byteLength(command) + REQUEST_OVERHEAD_BYTES > MAX_REQUEST_LENGTH) {
      return Err(
        this.#error({
          kind: 'request-too-large',
          message: `the command is ${Buffer.byteLength(command)} bytes; named accepts control messages of at most ${MAX_REQUEST_LENGTH} bytes`,
          remedy: 'shorten the command (for addzone, move options into a template or named.conf)',
          command,
        }),
      );
    }
    for (let attempt = 0; ; attempt++) {
      const reused = this.#usable();
      if (!reused) {
        const opened = await this.#open(options);
        if (opened.isErr()) return Err(this.#beforeSending(opened.error, command));
      }
      if (options.versionCheck) {
        if (this.#version === undefined) {
          // One `status` on this connection, then the command on the same connection.
          const learnt = await this.#exchange('status', options);
          if (learnt.isErr()) {
            if (learnt.error.kind === 'connection-lost' && reused && attempt === 0) continue;
            return Err(this.#notSent(learnt.error, command));
          }
          this.#learn('status', learnt.value);
        }
        const refused = options.versionCheck(this.#version);
        if (refused) return Err(refused);
      }
      const sent = await this.#exchange(command, options);
      if (sent.isOk()) {
        this.#learn(command, sent.value);
        return sent;
      }
      const error = sent.error;
      // Only a reused connection can have been closed by named's idle timer in the meantime;
      // a fresh connection that drops the command is a real failure.
      if (error.kind === 'connection-lost' && reused && options.resendable && attempt === 0) {
        log(
          '%s: connection closed before the reply to a read-only command; resending',
          this.#server,
        );
        continue;
      }
      return sent;
    }
  }

  /** Keeps the version from a successful, authenticated reply to `status` on this connection. */
  #learn(command: string, reply: Reply): void {
    if (reply.result !== 0 || !/^[ \t\r\n]*status(?:[ \t\r\n]|$)/i.test(command)) return;
    const version = versionFromStatus(reply.text ?? '');
    if (version !== undefined && this.#alive) this.#version = version;
  }

  /** A connect or handshake failure, reported for the command that was then not sent. */
  #beforeSending(error: RndcError, command: string): RndcError {
    if (error.command !== undefined) return error;
    return new RndcError({
      kind: error.kind,
      message: error.message,
      causes: error.causes,
      remedy: error.remedy,
      cause: (error as { cause?: unknown }).cause,
      server: this.#server,
      command,
      mayHaveRun: false,
    });
  }

  /** The failure of the version probe, reported for the command that was then not sent. */
  #notSent(error: RndcError, command: string): RndcError {
    return new RndcError({
      kind: error.kind,
      message: `${error.message} (while learning the server's version; '${command.split(/\s/, 1)[0]}' was not sent)`,
      causes: error.causes,
      remedy: error.remedy,
      cause: error,
      server: this.#server,
      command,
      mayHaveRun: false,
    });
  }

  #usable(): boolean {
    return (
      this.#alive &&
      this.#nonce !== undefined &&
      this.#early.length === 0 &&
      Date.now() - this.#lastActivity < this.#config.idleReconnectMs
    );
  }

  /** Connects and performs the `null` handshake that yields the nonce. */
  async #open(options: RequestOptions): Promise<Result<void, RndcError>> {
    const reconnect = this.#opened > 0;
    const address = this.#config.addresses[0];
    const opened = await traced(
      tracingChannels.connect,
      (): ConnectTraceContext => ({
        server: this.#server,
        host: address?.host ?? '',
        port: address?.port ?? 0,
        reconnect,
      }),
      () => this.#openConnection(options),
    );
    if (opened.isOk()) {
      this.#opened++;
      this.#config.onEvent?.({ type: 'connect', server: this.#server, reconnect });
    }
    return opened;
  }

  async #openConnection(options: RequestOptions): Promise<Result<void, RndcError>> {
    this.#teardown();
    const connected = await this.#connect(options);
    if (connected.isErr()) return connected;
    const handshake = await this.#exchange('null', options, true);
    if (handshake.isErr()) {
      this.#teardown();
      return handshake;
    }
    if (this.#stray !== undefined) {
      // A verified handshake reply followed by bytes named never sends: the stream cannot be
      // trusted for the command, which is therefore not sent.
      const stray = this.#stray;
      this.#teardown();
      return Err(
        this.#error({
          kind: 'malformed-reply',
          message: `${this.#server} sent ${stray} after its handshake reply; the connection was closed and no command was sent`,
          causes: ['the port is not a BIND control channel', 'something on the path adds data'],
          mayHaveRun: false,
        }),
      );
    }
    this.#nonce = handshake.value.nonce;
    log('%s: connected, nonce established', this.#server);
    return Ok(undefined);
  }

  async #connect(options: RequestOptions): Promise<Result<void, RndcError>> {
    const failures: string[] = [];
    let last: RndcError | undefined;
    for (const address of this.#config.addresses) {
      this.#server = formatAddress(address);
      this.#address = address;
      const attempt = await this.#connectTo(address, options);
      if (attempt.isOk() || attempt.error.kind !== 'connect-failed') return attempt;
      last = attempt.error;
      failures.push(attempt.error.message);
    }
    if (!last) {
      return Err(
        this.#error({
          kind: 'invalid-argument',
          message: 'no control-channel address to connect to',
        }),
      );
    }
    if (failures.length === 1) return Err(last);
    return Err(
      new RndcError({
        kind: 'connect-failed',
        message: `every address failed: ${failures.join('; ')}`,
        causes: last.causes,
        remedy: last.remedy,
        server: this.#server,
      }),
    );
  }

  #connectTo(address: ControlAddress, options: RequestOptions): Promise<Result<void, RndcError>> {
    return new Promise((resolve) => {
      const socket = connect({
        host: address.host,
        port: address.port,
        ...this.#localAddress(address.host),
      });
      socket.setNoDelay(true);
      let settled = false;
      const finish = (result: Result<void, RndcError>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.#stopConnect = undefined;
        socket.off('error', onError);
        socket.off('connect', onConnect);
        if (result.isErr()) socket.destroy();
        resolve(result);
      };
      const onConnect = () => {
        this.#adopt(socket);
        finish(Ok(undefined));
      };
      const onError = (error: NodeJS.ErrnoException) =>
        finish(
          Err(
            this.#error({
              kind: 'connect-failed',
              message: `connect failed: ${this.#server}: ${describeSystemError(error)}`,
              causes: [
                'named is not running, or not listening for control connections on this address and port',
                'named.conf has no `controls` statement and no rndc.key, or `controls { };` disables the channel',
                'a firewall refuses the connection',
              ],
              remedy: 'check `controls { inet … port … }` in named.conf and that named is running',
              cause: error,
            }),
          ),
        );
      const onAbort = () =>
        finish(
          Err(
            this.#error({
              kind: 'aborted',
              message: `aborted while connecting to ${this.#server}`,
            }),
          ),
        );
      const timer = setTimeout(
        () =>
          finish(
            Err(
              this.#error({
                kind: 'timeout',
                message: `timed out connecting to ${this.#server}`,
                causes: ['named is overloaded or a firewall drops packets to this port'],
              }),
            ),
          ),
        Math.max(0, options.deadline - Date.now()),
      );
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.#stopConnect = () => finish(Err(this.#closedError(undefined, false)));
      socket.once('connect', onConnect);
      socket.once('error', onError);
    });
  }

  #localAddress(host: string): { localAddress?: string } {
    // An IPv6 literal always has a colon, a name or IPv4 address never: and net.isIPv6's first
    // call compiles a regex that costs tens of milliseconds of the CLI's startup.
    const local = host.includes(':') ? this.#config.sourceAddressV6 : this.#config.sourceAddress;
    // `*` in rndc.conf means "any": the kernel picks, as without the option.
    return local && local !== '0.0.0.0' && local !== '::' ? { localAddress: local } : {};
  }

  /** Wires socket events into the waiter mechanism. */
  #adopt(socket: Socket): void {
    this.#socket = socket;
    this.#alive = true;
    this.#early = [];
    this.#nonce = undefined;
    this.#lastActivity = Date.now();
    this.#serials = undefined;
    this.#stray = undefined;
    this.#assembler = new FrameAssembler(this.#config.maxReplyBytes);
    socket.on('data', (chunk: Buffer) => {
      if (socket !== this.#socket) return;
      this.#lastActivity = Date.now();
      const assembled = this.#assembler.push(chunk);
      // Frames completed before a refused length come first: a genuine reply followed by garbage
      // in the same segment is still that reply (it is verified like any other). The garbage
      // then ends the connection, so nothing after it is ever read as a reply.
      for (const frame of assembled.frames) {
        if (socket !== this.#socket) return;
        this.#deliver({ type: 'frame', frame });
      }
      if (!assembled.ok && socket === this.#socket) {
        this.#stray = `a frame length of ${assembled.length}`;
        this.#teardown();
        this.#deliver({ type: assembled.reason, length: assembled.length });
      }
    });
    const onGone = (error?: Error) => {
      if (socket !== this.#socket) return;
      this.#alive = false;
      this.#deliver(error ? { type: 'closed', error } : { type: 'closed' });
      socket.destroy();
    };
    socket.on('end', () => onGone());
    socket.on('close', () => onGone());
    socket.on('error', (error) => onGone(error));
  }

  #deliver(outcome: WaitOutcome): void {
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = undefined;
      waiter(outcome);
    } else if (!this.#busy) {
      // Nobody asked: named closed an idle connection, or sent bytes we did not request (a
      // duplicated reply). Either way this connection is finished: release its socket now, or
      // it would keep the process alive until named's idle timer closes it.
      this.#teardown();
    } else {
      // Between two waits of one request (handshake, then command; or while a stale copy is
      // skipped): the exchange in progress picks it up. A frame may be a duplicate that will be
      // skipped; anything else ends the connection.
      this.#early.push(outcome);
      if (outcome.type !== 'frame') this.#alive = false;
      else if (this.#early.length > MAX_EARLY_FRAMES) {
        // named answers each request once; a legitimate stream has at most a duplicated reply
        // in flight. More frames than that, unasked, is a flood: end the connection rather than
        // queue them (a hostile peer could otherwise fill memory with frames we will skip).
        const frames = this.#early.length;
        this.#stray = `${frames} frames nobody asked for`;
        this.#teardown();
        this.#early.push({ type: 'flood', frames });
      }
    }
  }

  /** Writes one request and waits for its verified reply. */
  async #exchange(
    command: string,
    options: RequestOptions,
    handshake = false,
  ): Promise<Result<Reply, RndcError>> {
    // The handshake's `null` is ours, not the caller's: errors name "the handshake" instead, and
    // carry the caller's command (added by #request), not `null`.
    const named = handshake ? 'the handshake' : `'${command}'`;
    const about = handshake ? {} : { command };
    const socket = this.#socket;
    if (!socket || !this.#alive) {
      return Err(
        this.#error({
          kind: 'connection-lost',
          message: `connection to ${this.#server} is closed`,
          ...about,
        }),
      );
    }
    const serial = this.#config.nextSerial();
    const frame = encodeRequest(
      this.#config.key,
      { serial, time: Math.floor(this.#config.now() / 1000), nonce: this.#nonce },
      command,
    );
    if (frame.isErr()) {
      return Err(this.#error({ kind: 'request-too-large', message: frame.error.message, command }));
    }
    if (options.signal?.aborted) {
      // Aborted between the handshake and the command (or before a retry): nothing is written.
      return Err(
        this.#error({
          kind: 'aborted',
          message: `'${handshake ? 'null' : firstWord(command)}' to ${this.#server} was aborted before it was sent`,
          command,
          mayHaveRun: false,
        }),
      );
    }
    const started = Date.now();
    const outcome = this.#wait(options);
    // One write per frame: named 9.18 closes the connection when the length prefix is split.
    clearTimeout(this.#idleTimer);
    socket.ref();
    socket.write(frame.value);
    let result:
      | WaitOutcome
      | { readonly type: 'reply'; readonly reply: Result<Reply, ReplyFailure> } = await outcome;
    while (result.type === 'frame') {
      const reply = decodeReply(this.#config.key, result.frame, { serial, nonce: this.#nonce });
      // A verified copy of an earlier reply on this connection (duplicated or delayed in transit)
      // answers nothing we are waiting for: skip it and keep waiting, within the same deadline.
      if (reply.isOk() || !this.#isStaleCopy(reply.error)) result = { type: 'reply', reply };
      else {
        log('%s: ignored a stale copy of an earlier reply', this.#server);
        result = await this.#wait(options);
      }
    }
    // named sends one reply per request and nothing else: bytes after the reply (part of a frame,
    // garbage) are not named's, and would be read as the start of the next reply. The reply
    // itself was verified; the connection is not reused.
    if (result.type === 'reply' && socket === this.#socket && this.#assembler.pendingBytes > 0) {
      this.#stray = `${this.#assembler.pendingBytes} stray bytes`;
      this.#alive = false;
    }
    if (this.#serials) this.#serials.last = serial;
    else this.#serials = { first: serial, last: serial };
    this.#lastActivity = Date.now();
    this.#idle(socket);
    log(
      '%s: %s → %s in %d ms',
      this.#server,
      handshake ? '(handshake)' : firstWord(command),
      result.type,
      Date.now() - started,
    );
    switch (result.type) {
      case 'reply': {
        const reply = result.reply;
        if (reply.isErr()) {
          this.#teardown();
          return Err(this.#replyError(reply.error, handshake ? undefined : command));
        }
        return Ok(reply.value);
      }
      case 'closed': {
        // named refuses a handshake by reading it and closing (FIN), without a byte of reply. A
        // reset, or part of a reply, is a connection that broke instead (a dying named, a proxy).
        const partReply = this.#assembler.pendingBytes > 0;
        this.#teardown();
        if (!handshake) return Err(this.#lost(command, result.error));
        if (partReply) return Err(this.#lostInHandshake(result.error));
        if (result.error === undefined) return Err(this.#rejected());
        // A reset is ambiguous: named refusing an address outside `allow` closes without reading
        // our request, which the kernel turns into a reset; so does a named that is dying. Which
        // one it was shows in whether anything still listens there.
        return Err(
          (await this.#stillListening(options))
            ? this.#rejected()
            : this.#lostInHandshake(result.error),
        );
      }
      case 'too-large':
        return Err(
          this.#error({
            kind: 'reply-too-large',
            message: `${this.#server} announced a reply of ${result.length} bytes, over the limit of ${this.#config.maxReplyBytes}; it was not read`,
            remedy: 'raise `maxReplyBytes` if such a large reply is expected',
            ...about,
            mayHaveRun: !handshake,
          }),
        );
      case 'flood':
        return Err(
          this.#error({
            kind: 'malformed-reply',
            message: `${this.#server} sent more than ${result.frames - 1} frames nobody asked for while ${named} was waiting for its reply; the connection was closed`,
            causes: [
              'the port is not a BIND control channel',
              'something on the path replays frames',
            ],
            ...about,
            mayHaveRun: !handshake,
          }),
        );
      case 'bad-length':
        return Err(
          this.#error({
            kind: 'malformed-reply',
            message: `${this.#server} sent a frame with an impossible length (${result.length})`,
            causes: ['the port is not a BIND control channel'],
            ...about,
            mayHaveRun: !handshake,
          }),
        );
      case 'timeout':
        this.#teardown();
        return Err(
          this.#error({
            kind: 'timeout',
            message: `no reply from ${this.#server} to ${named} before the deadline`,
            causes: [
              'named is busy (a long reload or transfer) or unresponsive',
              'the deadline is too short',
            ],
            remedy: 'check named with `status`; raise timeoutMs for slow commands',
            ...about,
            mayHaveRun: !handshake,
          }),
        );
      case 'aborted':
        this.#teardown();
        return Err(
          this.#error({
            kind: 'aborted',
            message: `${named} to ${this.#server} was aborted`,
            ...about,
            mayHaveRun: !handshake,
          }),
        );
      case 'client-closed':
        this.#teardown();
        return Err(this.#closedError(command, !handshake));
    }
  }

  /** True for a verified reply that answers an earlier request of this connection. */
  #isStaleCopy(failure: ReplyFailure): boolean {
    const serials = this.#serials;
    if (!serials || failure.kind !== 'serial-mismatch' || !/^\d{1,10}$/.test(failure.received)) {
      return false;
    }
    // Within [first, last], counted from `first` modulo 2^32 (the counter wraps).
    const offset = (Number(failure.received) - serials.first) >>> 0;
    return offset <= (serials.last - serials.first) >>> 0;
  }

  #closedError(command: string | undefined, mayHaveRun: boolean): RndcError {
    return this.#error({
      kind: 'closed',
      message: mayHaveRun
        ? `the client was closed while waiting for the reply to '${command}'; the command may or may not have run`
        : 'the client was closed',
      ...(command !== undefined ? { command } : {}),
      mayHaveRun,
    });
  }

  #wait(options: RequestOptions): Promise<WaitOutcome> {
    return new Promise((resolve) => {
      const early = this.#early.shift();
      if (early) {
        resolve(early);
        return;
      }
      const finish = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (this.#waiter === finish) this.#waiter = undefined;
        resolve(outcome);
      };
      const onAbort = () => finish({ type: 'aborted' });
      const timer = setTimeout(
        () => finish({ type: 'timeout' }),
        Math.max(0, options.deadline - Date.now()),
      );
      this.#waiter = finish;
      if (options.signal?.aborted) onAbort();
      else options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * An idle connection must not keep the process alive, and we close it ourselves before named's
   * idle timer does: named logs its own close as an error ("invalid command from …: timed out").
   */
  #idle(socket: Socket): void {
    if (socket !== this.#socket) return;
    if (!this.#alive) {
      // Finished while we were busy (closed by named, or unsolicited bytes): release it now.
      this.#teardown();
      return;
    }
    socket.unref();
    const since = Date.now();
    this.#idleTimer = setTimeout(() => {
      if (socket !== this.#socket || this.#busy) return;
      this.#teardown();
      this.#config.onEvent?.({
        type: 'idleClose',
        server: this.#server,
        idleMs: Date.now() - since,
      });
    }, this.#config.idleReconnectMs);
    this.#idleTimer.unref();
  }

  #teardown(): void {
    clearTimeout(this.#idleTimer);
    const socket = this.#socket;
    this.#socket = undefined;
    this.#alive = false;
    this.#nonce = undefined;
    this.#version = undefined;
    this.#early = [];
    if (socket) {
      socket.removeAllListeners('data');
      socket.on('error', () => {});
      socket.destroy();
    }
  }

  #lostInHandshake(cause: Error | undefined): RndcError {
    return this.#error({
      kind: 'connection-lost',
      message: `the connection to ${this.#server} broke during the handshake${cause ? ` (${describeSystemError(cause)})` : ''}; no command was sent`,
      causes: ['named is shutting down or restarting', 'a network failure'],
      remedy: 'retry once named is running',
      mayHaveRun: false,
      ...(cause ? { cause } : {}),
    });
  }

  /** Whether a new TCP connection to the current address is accepted (within the deadline, ≤ 1 s). */
  #stillListening(options: RequestOptions): Promise<boolean> {
    const address = this.#address;
    if (!address) return Promise.resolve(false);
    return new Promise((resolve) => {
      const probe = connect({
        host: address.host,
        port: address.port,
        ...this.#localAddress(address.host),
      });
      const done = (listening: boolean) => {
        clearTimeout(timer);
        probe.destroy();
        resolve(listening);
      };
      const timer = setTimeout(
        () => done(false),
        Math.min(1000, Math.max(0, options.deadline - Date.now())),
      );
      probe.once('connect', () => done(true));
      probe.once('error', () => done(false));
    });
  }

  #rejected(): RndcError {
    return this.#error({
      kind: 'rejected',
      message: `${this.#server} closed the connection without replying to the handshake`,
      causes: SILENT_CLOSE_CAUSES,
      remedy:
        'named logs the exact reason as `invalid command from …: <reason>` (bad auth, clock skew, expired…): read its log',
    });
  }

  #lost(command: string, cause: Error | undefined): RndcError {
    return this.#error({
      kind: 'connection-lost',
      message: `${this.#server} closed the connection after '${command}' was sent and before it replied; the command may or may not have run`,
      causes: [
        'named is shutting down or restarting',
        'named rejected the message (see its log)',
        'a network failure',
      ],
      remedy: 'check the effect (e.g. `zonestatus`) before repeating a command that changes state',
      command,
      mayHaveRun: true,
      ...(cause ? { cause } : {}),
    });
  }

  /** A reply that failed its checks; `command` is undefined for the handshake (nothing ran). */
  #replyError(failure: ReplyFailure, command: string | undefined): RndcError {
    const about = command === undefined ? { mayHaveRun: false } : { command, mayHaveRun: true };
    if (failure.kind === 'malformed') {
      return this.#error({
        kind: 'malformed-reply',
        message: `${this.#server} sent a malformed reply: ${failure.error.message}`,
        causes: ['the port is not a BIND control channel', 'the reply was corrupted in transit'],
        ...about,
      });
    }
    const what: Record<Exclude<ReplyFailure['kind'], 'malformed'>, string> = {
      auth: `its signature does not verify with our key (${failure.kind === 'auth' ? failure.reason : ''})`,
      'not-a-reply': 'it is not marked as a reply (_rpl)',
      'serial-mismatch': 'it answers a different request (_ser)',
      'nonce-mismatch': "it does not carry this connection's nonce",
      'missing-data': 'it has no _data table',
    };
    return this.#error({
      kind: 'unverified-reply',
      message: `the reply from ${this.#server} was refused: ${what[failure.kind]}`,
      causes: [
        'the reply was altered in transit',
        'named reloaded its configuration and signed with a different key',
        'something other than named answered',
      ],
      remedy:
        'the reply was discarded, not trusted; check the path to named and its key configuration',
      ...about,
    });
  }

  #error(details: Omit<RndcErrorDetails, 'server'>): RndcError {
    return new RndcError({ ...details, server: this.#server });
  }
}

function formatAddress(address: ControlAddress | undefined): string {
  if (!address) return '(no address)';
  return `${address.host}#${address.port}`;
}

function firstWord(command: string): string {
  return command.trimStart().split(/\s/, 1)[0] ?? '';
}

function describeSystemError(error: NodeJS.ErrnoException): string {
  const texts: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host name not found',
    EADDRNOTAVAIL: 'address not available',
  };
  return (error.code && texts[error.code]) ?? error.message;
}
