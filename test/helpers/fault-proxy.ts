/**
 * A TCP proxy in front of named's control port that injects transport faults into the server →
 * client direction, and counts what the client sent (to prove a command went out once).
 *
 * It parses the isccc length prefix itself, independently of the library under test, and forwards
 * every client frame upstream in one write (named 9.18 drops a connection whose length prefix
 * arrives split). The fault applies to server frames from `fromFrame` on (per connection; frame 0
 * is the handshake reply), to `times` frames in all when given (then the proxy passes), and can
 * be changed at any time with `setMode`.
 */
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { listenOnOnePort } from './dns-port.js';
import { frameSplitter } from './frames.js';
import { startUdpRelay } from './udp-relay.js';

/** What the proxy does to server frames. */
export type FaultMode = FaultKind & { readonly times?: number };

type FaultKind =
  /** Forward everything unchanged. */
  | { readonly type: 'pass' }
  /** Accept connections and read requests, but never connect upstream nor answer. */
  | { readonly type: 'stall-accept' }
  /** Forward the first `bytes` bytes of a reply frame, then hold the rest forever. */
  | { readonly type: 'stall'; readonly bytes: number; readonly fromFrame?: number }
  /** Forward the first `bytes` bytes of a reply frame, then close the client side (FIN). */
  | { readonly type: 'truncate'; readonly bytes: number; readonly fromFrame?: number }
  /** Forward the first `bytes` bytes of a reply frame, then reset the client side (RST). */
  | { readonly type: 'reset'; readonly bytes: number; readonly fromFrame?: number }
  /** Send each reply frame twice, in one segment. */
  | { readonly type: 'duplicate'; readonly fromFrame?: number }
  /**
   * Forward each reply normally, and send a copy of it again later, in front of the next reply of
   * the same connection, in the same segment: a late, stale frame followed by the right one.
   */
  | { readonly type: 'late-duplicate'; readonly fromFrame?: number }
  /** Deliver reply bytes in segments of 1..`maxChunk` bytes, `delayMs` apart. */
  | {
      readonly type: 'split';
      readonly maxChunk: number;
      readonly delayMs: number;
      readonly fromFrame?: number;
    }
  /** Hold reply frames (not forwarded) until the mode changes; then they are forwarded. */
  | { readonly type: 'hold'; readonly fromFrame?: number };

/** A request the client sent through the proxy. */
export interface SeenRequest {
  readonly connection: number;
  /** Index of the frame on its connection (0 = the handshake). */
  readonly index: number;
  /** `_data.type` of the request: the command line ('null' for the handshake). */
  readonly command: string;
  /** Its first word. */
  readonly word: string;
}

export interface FaultProxy {
  readonly port: number;
  setMode(mode: FaultMode): void;
  /** Connections accepted so far. */
  connections(): number;
  /** Client connections still open. */
  openConnections(): number;
  /** Every request frame received from clients, in order. */
  readonly requests: SeenRequest[];
  /** How many requests whose first word is `word` were seen. */
  count(word: string): number;
  /**
   * Resolves when a request received after this call has a first word `command` (or a command
   * line matching the RegExp); it has then been forwarded to named (or swallowed, in stall-accept).
   */
  waitForRequest(command: string | RegExp, timeoutMs?: number): Promise<SeenRequest>;
  close(): Promise<void>;
}

/** Extracts `_data.type` from a request frame: key `type` (len 4), binary tag 1, uint32 length. */
export function requestCommand(frame: Buffer): string {
  const marker = Buffer.from('\x04type\x01', 'latin1');
  const at = frame.indexOf(marker);
  if (at < 0 || at + marker.length + 4 > frame.length) return '(unknown)';
  const length = frame.readUInt32BE(at + marker.length);
  const start = at + marker.length + 4;
  return frame.subarray(start, start + length).toString('utf8');
}

export async function startFaultProxy(
  targetPort: number,
  initial: FaultMode = { type: 'pass' },
): Promise<FaultProxy> {
  let mode: FaultMode = initial;
  /** Frames the current mode has been applied to. */
  let applied = 0;
  let connectionCount = 0;
  const open = new Set<Socket>();
  const all = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requests: SeenRequest[] = [];
  const requestWaiters = new Set<() => void>();
  /** Frames held by 'hold', flushed when the mode changes. */
  const held: Array<() => void> = [];

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const server: Server = createServer((client) => {
    const connection = connectionCount++;
    open.add(client);
    all.add(client);
    client.setNoDelay(true);
    client.on('close', () => open.delete(client));
    client.on('error', () => {});
    const current = mode;
    const upstream =
      current.type === 'stall-accept'
        ? undefined
        : connect({ host: '127.0.0.1', port: targetPort });
    if (upstream) {
      all.add(upstream);
      upstream.setNoDelay(true);
      upstream.on('error', () => {});
      // named went away: so does the client's connection, the way named's went (reset or FIN).
      upstream.on('close', (hadError) => {
        if (hadError) client.resetAndDestroy();
        else client.end();
      });
      client.on('close', () => upstream.destroy());
    }

    client.on(
      'data',
      frameSplitter((frame, index) => {
        const command = index === 0 ? 'null' : requestCommand(frame);
        requests.push({ connection, index, command, word: command.split(/\s/, 1)[0] ?? '' });
        upstream?.write(frame);
        for (const wake of [...requestWaiters]) wake();
      }),
    );

    if (!upstream) return;
    let stale: Buffer | undefined;
    /** Serialises the delivery of frames on this connection (split delays). */
    let queue: Promise<void> = Promise.resolve();
    const write = (bytes: Buffer) => {
      if (!client.destroyed && !client.writableEnded && bytes.length > 0) client.write(bytes);
    };
    const deliver = (frame: Buffer, index: number): void => {
      const m = mode;
      const applies = m.type !== 'pass' && m.type !== 'stall-accept' && index >= (m.fromFrame ?? 0);
      if (!applies) {
        write(frame);
        return;
      }
      applied++;
      if (m.times !== undefined && applied >= m.times) mode = { type: 'pass' };
      switch (m.type) {
        case 'stall':
          write(frame.subarray(0, m.bytes));
          return;
        case 'truncate':
          write(frame.subarray(0, m.bytes));
          client.end();
          upstream.destroy();
          return;
        case 'reset':
          write(frame.subarray(0, m.bytes));
          // Let the partial bytes leave before the reset.
          later(20, () => {
            client.resetAndDestroy();
            upstream.destroy();
          });
          return;
        case 'duplicate':
          write(Buffer.concat([frame, frame]));
          return;
        case 'late-duplicate': {
          const previous = stale;
          stale = frame;
          write(previous ? Buffer.concat([previous, frame]) : frame);
          return;
        }
        case 'split': {
          const { maxChunk, delayMs } = m;
          queue = queue.then(async () => {
            let offset = 0;
            while (offset < frame.length && !client.destroyed) {
              const size = 1 + Math.floor(Math.random() * maxChunk);
              write(frame.subarray(offset, offset + size));
              offset += size;
              await new Promise<void>((resolve) => later(delayMs, resolve));
            }
          });
          return;
        }
        case 'hold':
          held.push(() => deliver(frame, index));
          return;
      }
    };
    upstream.on(
      'data',
      frameSplitter((frame, index) => deliver(frame, index)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    requests,
    setMode(next: FaultMode) {
      mode = next;
      applied = 0;
      if (next.type !== 'hold') {
        for (const release of held.splice(0)) release();
      }
    },
    connections: () => connectionCount,
    openConnections: () => open.size,
    count: (word: string) => requests.filter((r) => r.word === word).length,
    waitForRequest(command: string | RegExp, timeoutMs = 5000) {
      const matches = (r: SeenRequest) =>
        typeof command === 'string' ? r.word === command : command.test(r.command);
      const start = requests.length;
      return new Promise<SeenRequest>((resolve, reject) => {
        const check = () => {
          const found = requests.slice(start).find(matches);
          if (!found) return;
          requestWaiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          requestWaiters.delete(check);
          reject(new Error(`no request matching ${String(command)} within ${timeoutMs} ms`));
        }, timeoutMs);
        requestWaiters.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        held.length = 0;
        for (const socket of all) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A UDP relay in front of named's DNS port that records every datagram a client sent. */
export interface UdpRecorder {
  readonly port: number;
  /** Datagrams received from clients, in order. */
  readonly received: Buffer[];
  close(): Promise<void>;
}

export async function startUdpRecorder(targetPort: number): Promise<UdpRecorder> {
  const received: Buffer[] = [];
  const relay = await startUdpRelay(targetPort, {
    query: (message) => {
      received.push(Buffer.from(message));
      return undefined;
    },
  });
  return { port: relay.port, received, close: () => relay.close() };
}

/**
 * A DNS server that answers every UDP message with a bare truncated (TC) header, so the client
 * falls back to TCP, and on TCP (same port) accepts and reads but never answers.
 */
export async function startTruncatingStaller(): Promise<{
  readonly port: number;
  /** TCP connections accepted. */
  tcpConnections(): number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let tcpCount = 0;
  const tcp = createServer((socket) => {
    tcpCount++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.resume();
  });
  const udp = createSocket('udp4');
  udp.on('message', (message, from) => {
    if (message.length < 12) return;
    const header = Buffer.from(message.subarray(0, 12));
    header[2] = 0x80 | (header[2]! & 0x78) | 0x02; // QR, same opcode, TC
    header[3] = 0;
    header.fill(0, 4, 12);
    udp.send(header, from.port, from.address);
  });
  // The TCP port the kernel picks may be taken for UDP: both then try again.
  const port = await listenOnOnePort(tcp, udp);
  return {
    port,
    tcpConnections: () => tcpCount,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

/**
 * Waits until every thread of process `pid` is stopped (after SIGSTOP): the signal takes effect
 * asynchronously, and a request sent right after kill() could still be answered.
 */
export async function waitUntilStopped(pid: number, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = readdirSync(`/proc/${pid}/task`).map((task) => {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
        const end = stat.lastIndexOf(')');
        return stat.slice(end + 2, end + 3);
      } catch {
        return 'T'; // the thread is gone
      }
    });
    if (states.every((state) => state === 'T' || state === 't')) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
