/**
 * A UDP relay in front of named's DNS port, for tests that watch or rewrite datagrams in flight.
 * Each client datagram goes upstream from its own socket, so every reply finds its way back to
 * the client that asked, also when the client resends (a retry under load). After `close()`
 * nothing more is relayed: a reply that arrives late is dropped, never sent on a closed socket
 * (which would throw ERR_SOCKET_DGRAM_NOT_RUNNING outside any test).
 */
import { createSocket, type Socket } from 'node:dgram';

export interface UdpRelayHooks {
  /** Sees each client datagram; returns the bytes to send upstream instead, if any. */
  readonly query?: (query: Buffer) => Buffer | undefined;
  /** Sees each upstream reply; returns the datagrams to relay instead of it (in order), if any. */
  readonly reply?: (reply: Buffer) => readonly Buffer[] | undefined;
}

export interface UdpRelay {
  /** The relay's port on 127.0.0.1. */
  readonly port: number;
  close(): Promise<void>;
}

export async function startUdpRelay(
  targetPort: number,
  hooks: UdpRelayHooks = {},
): Promise<UdpRelay> {
  const front = createSocket('udp4');
  const backs = new Set<Socket>();
  let closed = false;
  front.on('message', (query, from) => {
    if (closed) return;
    const upstream = hooks.query?.(query) ?? query;
    const back = createSocket('udp4');
    backs.add(back);
    back.on('error', () => {});
    back.on('message', (reply) => {
      if (closed) return;
      for (const out of hooks.reply?.(reply) ?? [reply]) front.send(out, from.port, from.address);
    });
    back.send(upstream, targetPort, '127.0.0.1');
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const back of backs) back.close();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}
