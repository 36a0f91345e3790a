/**
 * A fake control channel for hostile tests: it speaks just enough of the isccc framing to read
 * requests and to answer with whatever a test wants — genuine replies signed with the right key,
 * or replies with a forged, empty or short MAC, a wrong `_ser` or nonce, hostile lengths and
 * nesting, trickled or endless bytes.
 *
 * It has its own encoder (below), independent of the library's codec: the library refuses to
 * build most of these frames (depth, lengths), and a shared bug must not hide a defect.
 */
import { createServer, type Socket } from 'node:net';
import type { Key } from '../../src/keys/key.js';
import { frameSplitter } from './frames.js';

/** One request read from the client. */
export interface FakeRequest {
  readonly connection: number;
  /** Index of the request on its connection (0 = the handshake). */
  readonly index: number;
  /** `_ctrl._ser`, as sent (decimal text). */
  readonly serial: string;
  /** `_data.type`: the command line. */
  readonly command: string;
}

/** What a responder gets to answer with. */
export interface FakeConnection {
  readonly socket: Socket;
  /** The nonce this connection handed out in its handshake reply. */
  readonly nonce: string;
  /** A correctly signed reply to `request`, with `data`/`ctrl` entries added or replaced. */
  genuine(request: FakeRequest, changes?: ReplyChanges): Buffer;
  /** Writes bytes unless the client is gone. */
  write(bytes: Buffer): void;
}

/** Changes to a genuine reply; `null` removes an entry. */
export interface ReplyChanges {
  readonly ctrl?: Readonly<Record<string, string | null>>;
  readonly data?: Readonly<Record<string, string | null>>;
  /** Replace the `_auth` entry: raw `hsha` bytes, a whole raw entry, or none at all. */
  readonly auth?:
    | { readonly hsha: Buffer }
    | { readonly hmd5: Buffer }
    | { readonly raw: Buffer }
    | 'none';
}

export interface FakeControl {
  readonly port: number;
  readonly requests: FakeRequest[];
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts the fake. `respond` is called for every request; the default handshake answer (index 0)
 * is a genuine reply unless `respond` returns true for it (meaning: handled).
 */
export async function startFakeControl(
  key: Key,
  respond: (request: FakeRequest, connection: FakeConnection) => boolean | undefined,
): Promise<FakeControl> {
  const sockets = new Set<Socket>();
  const requests: FakeRequest[] = [];
  let count = 0;
  const server = createServer((socket) => {
    const connection = count++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    const nonce = String(1 + Math.floor(Math.random() * 0xffff_fffe));
    const fake: FakeConnection = {
      socket,
      nonce,
      genuine: (request, changes) => genuineReply(key, request, nonce, changes),
      write: (bytes) => {
        if (!socket.destroyed && socket.writable) socket.write(bytes);
      },
    };
    socket.on(
      'data',
      frameSplitter((frame, index) => {
        const request: FakeRequest = {
          connection,
          index,
          serial: scalar(frame, '_ser') ?? '0',
          command: scalar(frame, 'type') ?? '',
        };
        requests.push(request);
        const handled = respond(request, fake);
        if (!handled && index === 0) fake.write(fake.genuine(request));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    requests,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A scalar value of key `name` found anywhere in a frame (the first one), as text. */
function scalar(frame: Buffer, name: string): string | undefined {
  const marker = Buffer.concat([Buffer.from([name.length]), Buffer.from(name, 'latin1'), BIN]);
  const at = frame.indexOf(marker);
  if (at < 0 || at + marker.length + 4 > frame.length) return undefined;
  const length = frame.readUInt32BE(at + marker.length);
  const start = at + marker.length + 4;
  return frame.subarray(start, start + length).toString('utf8');
}

const BIN = Buffer.from([0x01]);

// ---- an independent isccc encoder, without any limit ----

/** A binary value: type 1, length, bytes. */
export function bin(value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([header(0x01, bytes.length), bytes]);
}

/** A table value: type 2, length, entries. */
export function tbl(entries: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  const body = entries_(entries);
  return Buffer.concat([header(0x02, body.length), body]);
}

/** A list value: type 3, length, values. */
export function list(values: readonly Buffer[]): Buffer {
  const body = Buffer.concat(values);
  return Buffer.concat([header(0x03, body.length), body]);
}

/** Serialised entries: key length, key, value. */
export function entries_(entries: ReadonlyArray<readonly [string, Buffer]>): Buffer {
  return Buffer.concat(
    entries.flatMap(([name, value]) => [
      Buffer.from([name.length]),
      Buffer.from(name, 'latin1'),
      value,
    ]),
  );
}

function header(type: number, length: number): Buffer {
  const out = Buffer.alloc(5);
  out[0] = type;
  out.writeUInt32BE(length >>> 0, 1);
  return out;
}

/** LEN, VERSION 1, then the entries. */
export function frame(body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 4, 0);
  head.writeUInt32BE(1, 4);
  return Buffer.concat([head, body]);
}

/** The sha `_auth` entry over `signed`: algorithm byte, padded base64, NULs to 89 bytes. */
export function signedAuth(key: Key, signed: Buffer): Buffer {
  const value = Buffer.alloc(89);
  value[0] = SHA_IDS[key.algorithm] ?? 0;
  value.write(key.hmac(signed).toString('base64'), 1, 'ascii');
  return entries_([['_auth', tbl([['hsha', bin(value)]])]]);
}

const SHA_IDS: Record<string, number> = {
  'hmac-sha1': 161,
  'hmac-sha224': 162,
  'hmac-sha256': 163,
  'hmac-sha384': 164,
  'hmac-sha512': 165,
};

function genuineReply(
  key: Key,
  request: FakeRequest,
  nonce: string,
  changes: ReplyChanges = {},
): Buffer {
  const now = Math.floor(Date.now() / 1000);
  const ctrl = apply(
    { _rpl: '1', _ser: request.serial, _tim: String(now), _exp: String(now + 60), _nonce: nonce },
    changes.ctrl,
  );
  const data = apply({ type: request.command.split(' ')[0] ?? '', result: '0' }, changes.data);
  const signed = entries_([
    ['_ctrl', tbl(Object.entries(ctrl).map(([k, v]) => [k, bin(v)] as const))],
    ['_data', tbl(Object.entries(data).map(([k, v]) => [k, bin(v)] as const))],
  ]);
  const auth = changes.auth;
  const authEntry =
    auth === undefined
      ? signedAuth(key, signed)
      : auth === 'none'
        ? Buffer.alloc(0)
        : 'raw' in auth
          ? auth.raw
          : 'hsha' in auth
            ? entries_([['_auth', tbl([['hsha', bin(auth.hsha)]])]])
            : entries_([['_auth', tbl([['hmd5', bin(auth.hmd5)]])]]);
  return frame(Buffer.concat([authEntry, signed]));
}

function apply(
  base: Record<string, string>,
  changes: Readonly<Record<string, string | null>> | undefined,
): Record<string, string> {
  const out = { ...base };
  for (const [name, value] of Object.entries(changes ?? {})) {
    if (value === null) delete out[name];
    else out[name] = value;
  }
  return out;
}
