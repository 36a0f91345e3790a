/**
 * A hostile AXFR server for the transfer client's tests: a TCP listener on 127.0.0.1 that reads
 * one query and lets the test write whatever answer stream it wants — well-formed and signed
 * (RFC 8945 §5.3.1 chaining, with its own code, independent of src/), or altered: an unsigned
 * message in the middle, a flipped MAC byte, a compression pointer loop, no closing SOA, an
 * endless stream, a stall.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { type FakeRequest, parseRequest, wireName } from './fake-dns.js';

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value & 0xffff);
  return b;
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

/** One resource record, uncompressed unless the test builds it by hand. */
export function rr(owner: string | Buffer, type: number, rdata: Buffer, ttl = 300): Buffer {
  const name = typeof owner === 'string' ? wireName(owner) : owner;
  return Buffer.concat([name, u16(type), u16(1), u32(ttl), u16(rdata.length), rdata]);
}

/** SOA RDATA of `zone` with `serial`. */
export function soa(zone: string, serial: number): Buffer {
  return rr(
    zone,
    6,
    Buffer.concat([
      wireName(`ns.${zone}`),
      wireName(`hostmaster.${zone}`),
      u32(serial),
      u32(3600),
      u32(600),
      u32(86400),
      u32(300),
    ]),
  );
}

/** An A record. */
export function a(owner: string, address: string): Buffer {
  return rr(owner, 1, Buffer.from(address.split('.').map(Number)));
}

/** A reply message to `request`: header, the question (zone AXFR IN, or `qtype`), then `answers`. */
export function message(
  request: FakeRequest,
  zone: string,
  answers: readonly Buffer[],
  options: { readonly rcode?: number; readonly question?: boolean; readonly qtype?: number } = {},
): Buffer {
  const question =
    options.question === false ? [] : [wireName(zone), u16(options.qtype ?? 252), u16(1)];
  const header = Buffer.concat([
    u16(request.id),
    u16(0x8400 | (options.rcode ?? 0)),
    u16(options.question === false ? 0 : 1),
    u16(answers.length),
    u16(0),
    u16(0),
  ]);
  return Buffer.concat([header, ...question, ...answers]);
}

/** The key the fake signs with (the client holds the same one). */
export interface FakeAxfrKey {
  readonly name: string;
  readonly secret: Buffer;
}

/**
 * Signs a stream of messages as BIND does: the first MAC over the query MAC, the message and all
 * TSIG variables; each later one over the previous MAC, the message and the timers only.
 */
export class StreamSigner {
  #previous: Buffer;
  #first = true;

  constructor(
    private readonly key: FakeAxfrKey,
    request: FakeRequest,
  ) {
    this.#previous = request.tsig?.mac ?? Buffer.alloc(0);
  }

  sign(msg: Buffer, time = Math.floor(Date.now() / 1000)): Buffer {
    const keyName = wireName(this.key.name);
    const algorithm = wireName('hmac-sha256.');
    const timers = Buffer.alloc(8);
    timers.writeUIntBE(time, 0, 6);
    timers.writeUInt16BE(300, 6);
    const tail = Buffer.concat([u16(0), u16(0)]); // error, other len
    const input = this.#first
      ? Buffer.concat([
          u16(this.#previous.length),
          this.#previous,
          msg,
          keyName,
          u16(255),
          u32(0),
          algorithm,
          timers,
          tail,
        ])
      : Buffer.concat([u16(this.#previous.length), this.#previous, msg, timers]);
    this.#first = false;
    const mac = createHmac('sha256', this.key.secret).update(input).digest();
    this.#previous = mac;
    const rdata = Buffer.concat([
      algorithm,
      timers,
      u16(mac.length),
      mac,
      u16(msg.readUInt16BE(0)),
      tail,
    ]);
    const out = Buffer.concat([msg, keyName, u16(250), u16(255), u32(0), u16(rdata.length), rdata]);
    out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
    return out;
  }
}

/** What a scenario gets: the query, and a way to write frames or raw bytes. */
export interface AxfrConnection {
  readonly request: FakeRequest;
  /** Writes one length-prefixed frame; false once the connection is gone. */
  frame(bytes: Buffer): boolean;
  raw(bytes: Buffer): boolean;
  end(): void;
  open(): boolean;
  /** Resolves when the client closed the connection. */
  readonly closed: Promise<void>;
}

/** A running fake server. */
export interface FakeAxfrServer {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts a server that runs `scenario` for each connection's first query. */
export async function startFakeAxfr(
  scenario: (connection: AxfrConnection) => void | Promise<void>,
): Promise<FakeAxfrServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    const closed = new Promise<void>((resolve) =>
      socket.on('close', () => {
        sockets.delete(socket);
        resolve();
      }),
    );
    let pending = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      if (started) return;
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 2 || pending.length < 2 + pending.readUInt16BE(0)) return;
      started = true;
      const request = parseRequest(
        Buffer.from(pending.subarray(2, 2 + pending.readUInt16BE(0))),
        'tcp',
        0,
      );
      const alive = () => !socket.destroyed && socket.writable;
      void Promise.resolve(
        scenario({
          request,
          frame: (bytes) => {
            if (!alive()) return false;
            socket.write(Buffer.concat([u16(bytes.length), bytes]));
            return true;
          },
          raw: (bytes) => {
            if (!alive()) return false;
            socket.write(bytes);
            return true;
          },
          end: () => socket.end(),
          open: alive,
          closed,
        }),
      ).catch(() => {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
