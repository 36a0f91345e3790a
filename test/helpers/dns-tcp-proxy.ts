/**
 * A TCP proxy for DNS (2-byte length prefix, RFC 1035 §4.2.2) between a client and named that can
 * rewrite the server's messages: the transfer tests alter one message of a signed AXFR on the
 * way. It splits frames with its own code, not the library's FrameReader under test.
 */
import { connect, createServer, type Socket } from 'node:net';

/** Rewrites the n-th (0-based) message of named's answer; return it unchanged to pass it. */
export type DnsRewriter = (message: Buffer, index: number) => Buffer;

export async function startDnsTcpProxy(
  targetPort: number,
  rewrite: DnsRewriter,
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => upstream.write(chunk));
    let pending = Buffer.alloc(0);
    let index = 0;
    upstream.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const out = rewrite(Buffer.from(pending.subarray(2, 2 + length)), index++);
        pending = pending.subarray(2 + length);
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(out.length);
        client.write(Buffer.concat([prefix, out]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
