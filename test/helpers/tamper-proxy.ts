/**
 * A TCP proxy between a client and named's control port that can rewrite server → client frames.
 * It parses the length prefix itself (independently of the library's code under test).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { frameSplitter } from './frames.js';

/** Rewrites the n-th server frame of a connection (0 = the handshake reply); return it unchanged to pass. */
export type FrameRewriter = (frame: Buffer, index: number, connection: number) => Buffer;

/** Decides what happens to the n-th client frame of a connection (0 = the handshake). */
export type ClientFrameAction = (
  frame: Buffer,
  index: number,
  connection: number,
) => 'forward' | 'cut';

export interface TamperProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startTamperProxy(
  targetPort: number,
  rewrite: FrameRewriter,
  onClientFrame: ClientFrameAction = () => 'forward',
): Promise<TamperProxy> {
  let connectionCount = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const connection = connectionCount++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on(
      'data',
      frameSplitter((frame, index, stop) => {
        if (onClientFrame(frame, index, connection) === 'cut') {
          client.destroy();
          upstream.destroy();
          stop();
          return;
        }
        upstream.write(frame);
      }),
    );
    upstream.on(
      'data',
      frameSplitter((frame, index) => {
        client.write(rewrite(frame, index, connection));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    connections: () => connectionCount,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A server that accepts connections and answers every request with `reply(requestCount)`. */
export async function startFakeControlServer(
  reply: (socket: Socket, request: number) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let requests = 0;
    socket.on('error', () => {});
    socket.on('data', () => reply(socket, requests++));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
