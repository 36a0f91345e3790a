/**
 * A hostile DNS server for the update client's tests: listens on 127.0.0.1 (UDP and TCP on the
 * same port) and lets each test decide, per request, what goes back — forged TSIGs (empty, short,
 * truncated, wrong key), unsigned replies of any RCODE, unsigned TSIG errors, replays, replies for
 * another ID or from another port, TC, floods of frames, trickled and never-ending bytes — and can
 * forward the request to a real named to get the genuine reply.
 *
 * Deliberately independent of src/update: it parses and builds DNS messages with its own small
 * code, so that it cannot share a bug with the client under test. It knows the test key's secret
 * only to build replies a real server would sign (a verified TC, a replay of a genuine reply).
 */
import { createHmac } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { listenOnOnePort } from './dns-port.js';

/** What the fake learnt from a request (read with its own parser). */
export interface FakeRequest {
  readonly bytes: Buffer;
  readonly id: number;
  readonly transport: 'udp' | 'tcp';
  /** Offset where the TSIG RR starts, when the request is signed. */
  readonly tsigStart: number | undefined;
  /** The request's TSIG fields, when signed. */
  readonly tsig:
    | {
        readonly keyName: Buffer;
        readonly algorithm: Buffer;
        readonly time: number;
        readonly mac: Buffer;
      }
    | undefined;
  /** Index of this request since the server started. */
  readonly index: number;
}

/** What a responder can do with a request. */
export interface FakeReplyChannel {
  /** Sends one message back over the request's transport (UDP datagram or TCP frame). */
  reply(message: Buffer): void;
  /** TCP only: writes raw bytes (no length prefix). Returns false once the connection is gone. */
  raw(bytes: Buffer): boolean;
  /** UDP only: sends `message` to the client from another socket (another source port). */
  fromOtherPort(message: Buffer): Promise<void>;
  /** Forwards the request to the upstream named and resolves with its reply. */
  genuine(): Promise<Buffer>;
  /** TCP only: closes the connection. */
  end(): void;
  /** True while the TCP connection is open (always true for UDP). */
  open(): boolean;
}

/** Decides what to do with each request. */
export type FakeResponder = (
  request: FakeRequest,
  channel: FakeReplyChannel,
) => void | Promise<void>;

/** A running fake server. */
export interface FakeDns {
  readonly port: number;
  /** Requests received, in order. */
  readonly requests: FakeRequest[];
  /** TCP connections accepted. */
  tcpConnections(): number;
  /** Messages (UDP datagrams and TCP frames) sent through `reply` and `fromOtherPort`. */
  sent(): number;
  setResponder(responder: FakeResponder): void;
  close(): Promise<void>;
}

/** Starts a fake server; `upstreamPort` is named's DNS port for `genuine()`. */
export async function startFakeDns(
  responder: FakeResponder,
  options: { readonly upstreamPort?: number } = {},
): Promise<FakeDns> {
  let current = responder;
  let index = 0;
  let sentCount = 0;
  let tcpCount = 0;
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const extraUdp = new Set<UdpSocket>();

  const tcp: Server = createServer((socket) => {
    tcpCount++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const message = Buffer.from(pending.subarray(2, 2 + pending.readUInt16BE(0)));
        pending = pending.subarray(2 + message.length);
        const request = parseRequest(message, 'tcp', index++);
        requests.push(request);
        const channel: FakeReplyChannel = {
          reply: (out) => {
            if (socket.destroyed) return;
            sentCount++;
            socket.write(Buffer.concat([u16(out.length), out]));
          },
          raw: (bytes) => {
            if (socket.destroyed || !socket.writable) return false;
            socket.write(bytes);
            return true;
          },
          fromOtherPort: () => Promise.reject(new Error('fromOtherPort is UDP only')),
          genuine: () => upstreamTcp(message, options.upstreamPort),
          end: () => socket.destroy(),
          open: () => !socket.destroyed,
        };
        void Promise.resolve(current(request, channel)).catch(() => {});
      }
    });
  });
  const udp = createSocket('udp4');
  udp.on('message', (message, from) => {
    if (message.length < 12) return;
    const request = parseRequest(message, 'udp', index++);
    requests.push(request);
    const channel: FakeReplyChannel = {
      reply: (out) => {
        sentCount++;
        udp.send(out, from.port, from.address);
      },
      raw: () => false,
      fromOtherPort: async (out) => {
        const other = createSocket('udp4');
        extraUdp.add(other);
        await new Promise<void>((resolve) => other.bind(0, '127.0.0.1', resolve));
        sentCount++;
        await new Promise<void>((resolve) =>
          other.send(out, from.port, from.address, () => resolve()),
        );
        other.close();
        extraUdp.delete(other);
      },
      genuine: () => upstreamUdp(message, options.upstreamPort),
      end: () => {},
      open: () => true,
    };
    void Promise.resolve(current(request, channel)).catch(() => {});
  });
  const port = await listenOnOnePort(tcp, udp);
  return {
    port,
    requests,
    tcpConnections: () => tcpCount,
    sent: () => sentCount,
    setResponder: (next) => {
      current = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      for (const socket of extraUdp) socket.close();
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}

function upstreamUdp(message: Buffer, port: number | undefined): Promise<Buffer> {
  if (port === undefined) return Promise.reject(new Error('no upstream'));
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('upstream did not answer'));
    }, 10_000);
    socket.on('message', (reply) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    });
    socket.send(message, port, '127.0.0.1');
  });
}

function upstreamTcp(message: Buffer, port: number | undefined): Promise<Buffer> {
  if (port === undefined) return Promise.reject(new Error('no upstream'));
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let pending = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('upstream did not answer'));
    }, 10_000);
    socket.on('connect', () => socket.write(Buffer.concat([u16(message.length), message])));
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.from(pending.subarray(2, 2 + pending.readUInt16BE(0))));
      }
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Message building (own code, independent of src/update)

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value & 0xffff);
  return b;
}

/** Offset just past the name at `offset` (a compression pointer ends it). */
function skipName(message: Buffer, offset: number): number {
  let at = offset;
  for (;;) {
    const length = message[at];
    if (length === undefined) throw new Error('name runs past the end');
    if (length === 0) return at + 1;
    if ((length & 0xc0) === 0xc0) return at + 2;
    at += 1 + length;
  }
}

/** Reads a request: ID and, when it has one, its TSIG (the last additional RR). */
export function parseRequest(bytes: Buffer, transport: 'udp' | 'tcp', index: number): FakeRequest {
  const id = bytes.readUInt16BE(0);
  let tsig: FakeRequest['tsig'];
  let tsigStart: number | undefined;
  try {
    const qd = bytes.readUInt16BE(4);
    const rrs = bytes.readUInt16BE(6) + bytes.readUInt16BE(8) + bytes.readUInt16BE(10);
    let at = 12;
    for (let i = 0; i < qd; i++) at = skipName(bytes, at) + 4;
    for (let i = 0; i < rrs; i++) {
      const start = at;
      const nameEnd = skipName(bytes, at);
      const type = bytes.readUInt16BE(nameEnd);
      const rdlength = bytes.readUInt16BE(nameEnd + 8);
      const rdata = nameEnd + 10;
      if (type === 250 && i === rrs - 1) {
        tsigStart = start;
        const algEnd = skipName(bytes, rdata);
        const time = bytes.readUIntBE(algEnd, 6);
        const macSize = bytes.readUInt16BE(algEnd + 8);
        tsig = {
          keyName: Buffer.from(bytes.subarray(start, nameEnd)),
          algorithm: Buffer.from(bytes.subarray(rdata, algEnd)),
          time,
          mac: Buffer.from(bytes.subarray(algEnd + 10, algEnd + 10 + macSize)),
        };
      }
      at = rdata + rdlength;
    }
  } catch {
    // A request the fake cannot read: no TSIG known.
  }
  return { bytes, id, transport, tsig, tsigStart, index };
}

/** Options of {@link replyTo}. */
export interface ReplyOptions {
  readonly rcode?: number;
  readonly truncated?: boolean;
  /** Header ID (default: the request's). */
  readonly id?: number;
  /** OPCODE (default: the request's). */
  readonly opcode?: number;
}

/**
 * An unsigned reply to `request`: its header with QR set and the RCODE, its question/zone section
 * copied, no other records.
 */
export function replyTo(request: FakeRequest, options: ReplyOptions = {}): Buffer {
  const bytes = request.bytes;
  const qdEnd = bytes.readUInt16BE(4) === 1 ? skipName(bytes, 12) + 4 : 12;
  const reply = Buffer.from(bytes.subarray(0, qdEnd));
  const opcode = options.opcode ?? (bytes[2]! >> 3) & 0x0f;
  reply.writeUInt16BE(options.id ?? request.id, 0);
  reply[2] = 0x80 | (opcode << 3) | (options.truncated ? 0x02 : 0);
  reply[3] = (options.rcode ?? 0) & 0x0f;
  reply.fill(0, 6, 12);
  return reply;
}

/** The fields of a TSIG RR the fake appends; unset fields come from the request. */
export interface ForgedTsig {
  /** Owner name in wire form (default: the request's key name). */
  readonly keyName?: Buffer;
  /** Algorithm name in wire form (default: the request's). */
  readonly algorithm?: Buffer;
  readonly time?: number;
  readonly fudge?: number;
  readonly mac?: Buffer;
  readonly originalId?: number;
  readonly error?: number;
  readonly otherData?: Buffer;
}

/** `message` with a TSIG RR appended (ARCOUNT + 1). Defaults: an empty MAC, error 0. */
export function withTsig(message: Buffer, request: FakeRequest, tsig: ForgedTsig = {}): Buffer {
  const keyName = tsig.keyName ?? request.tsig?.keyName ?? wireName('key.');
  const algorithm = tsig.algorithm ?? request.tsig?.algorithm ?? wireName('hmac-sha256.');
  const mac = tsig.mac ?? Buffer.alloc(0);
  const other = tsig.otherData ?? Buffer.alloc(0);
  const time = Buffer.alloc(8);
  time.writeUIntBE(tsig.time ?? request.tsig?.time ?? Math.floor(Date.now() / 1000), 0, 6);
  time.writeUInt16BE(tsig.fudge ?? 300, 6);
  const rdata = Buffer.concat([
    algorithm,
    time,
    u16(mac.length),
    mac,
    u16(tsig.originalId ?? request.id),
    u16(tsig.error ?? 0),
    u16(other.length),
    other,
  ]);
  const fixed = Buffer.concat([u16(250), u16(255), Buffer.alloc(4), u16(rdata.length)]);
  const out = Buffer.concat([message, keyName, fixed, rdata]);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  return out;
}

/** A name in uncompressed wire form, lowercase. */
export function wireName(text: string): Buffer {
  const labels = text.replace(/\.$/, '').split('.').filter(Boolean);
  return Buffer.concat([
    ...labels.map((label) =>
      Buffer.concat([Buffer.from([label.length]), Buffer.from(label.toLowerCase())]),
    ),
    Buffer.from([0]),
  ]);
}

const NODE_DIGEST: Readonly<Record<string, string>> = {
  'hmac-md5': 'md5',
  'hmac-sha1': 'sha1',
  'hmac-sha224': 'sha224',
  'hmac-sha256': 'sha256',
  'hmac-sha384': 'sha384',
  'hmac-sha512': 'sha512',
};

/** A key the fake signs with, as a real server holding it would. */
export interface FakeKey {
  /** Key name, e.g. `ddns-key.` */
  readonly name: string;
  /** `hmac-sha256` etc. */
  readonly algorithm: string;
  readonly secret: Buffer;
}

/**
 * Signs `message` (a reply without TSIG) as a server would answer `request` (RFC 8945 §4.3.1):
 * HMAC over the request MAC, the message with the Original ID, and the TSIG variables. The MAC is
 * cut to `macBytes` when given (a truncated reply).
 */
export function signReply(
  message: Buffer,
  request: FakeRequest,
  key: FakeKey,
  options: { readonly error?: number; readonly time?: number; readonly macBytes?: number } = {},
): Buffer {
  const requestMac = request.tsig?.mac ?? Buffer.alloc(0);
  const keyName = wireName(key.name);
  const algorithm = wireName(
    `${key.algorithm === 'hmac-md5' ? 'hmac-md5.sig-alg.reg.int' : key.algorithm}.`,
  );
  const time = options.time ?? Math.floor(Date.now() / 1000);
  const timers = Buffer.alloc(12);
  timers.writeUIntBE(time, 0, 6);
  timers.writeUInt16BE(300, 6);
  timers.writeUInt16BE(options.error ?? 0, 8);
  timers.writeUInt16BE(0, 10);
  const unsigned = Buffer.from(message);
  unsigned.writeUInt16BE(request.id, 0);
  const variables = Buffer.concat([keyName, u16(255), Buffer.alloc(4), algorithm, timers]);
  const digest = NODE_DIGEST[key.algorithm];
  if (!digest) throw new Error(`unknown algorithm ${key.algorithm}`);
  const mac = createHmac(digest, key.secret)
    .update(Buffer.concat([u16(requestMac.length), requestMac, unsigned, variables]))
    .digest()
    .subarray(0, options.macBytes);
  return withTsig(message, request, {
    keyName,
    algorithm,
    time,
    mac,
    error: options.error ?? 0,
  });
}

/** Replaces the header ID of a captured reply (an attacker replaying it for another request). */
export function withId(message: Buffer, id: number): Buffer {
  const out = Buffer.from(message);
  out.writeUInt16BE(id, 0);
  return out;
}
