/**
 * A small pool of control sessions. named's control listener has a backlog of 5 and runs one
 * command per connection at a time (controlconf.c), so parallel commands need a few connections,
 * never dozens. Callers beyond `size` wait in FIFO order.
 */
import { ControlSession, type SessionConfig } from './session.js';

export class SessionPool {
  readonly #config: SessionConfig;
  readonly #size: number;
  readonly #sessions: ControlSession[] = [];
  /** Sessions currently lent out. */
  readonly #lent = new Set<ControlSession>();
  readonly #waiting: Array<(session: ControlSession) => void> = [];

  constructor(config: SessionConfig, size: number) {
    this.#config = config;
    this.#size = size;
  }

  /** Runs `work` with a session of its own, waiting for one when all are busy. */
  async use<T>(work: (session: ControlSession) => Promise<T>): Promise<T> {
    const session = await this.#acquire();
    try {
      return await work(session);
    } finally {
      this.#release(session);
    }
  }

  /**
   * Closes every connection. Requests in flight end with `closed`, and so do callers still
   * waiting for a session (the session they get is closed: their commands are never sent). The
   * owner (`RndcClient`) refuses new calls after close(), so no session is made after it.
   */
  close(): void {
    for (const session of this.#sessions) session.close();
  }

  #acquire(): Promise<ControlSession> {
    const free = this.#sessions.filter((s) => !this.#lent.has(s));
    // Prefer a connection that is already handshaken (it saves two round trips), and among those
    // one that knows the server's version (a version-dependent command then needs no `status`).
    let session =
      free.find((s) => s.serverVersion !== undefined) ?? free.find((s) => s.connected) ?? free[0];
    if (!session && this.#sessions.length < this.#size) {
      session = new ControlSession(this.#config);
      this.#sessions.push(session);
    }
    if (!session) return new Promise((resolve) => this.#waiting.push(resolve));
    this.#lent.add(session);
    return Promise.resolve(session);
  }

  #release(session: ControlSession): void {
    const next = this.#waiting.shift();
    if (next) next(session);
    else this.#lent.delete(session);
  }
}
