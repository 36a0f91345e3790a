// A TCP server and a UDP socket on one loopback port, as a DNS server needs.
import type { Socket as UdpSocket } from 'node:dgram';
import type { Server } from 'node:net';

/**
 * Listens with `tcp` on a free port and binds `udp` to the same number. The TCP port the kernel
 * picks may be taken for UDP (another suite's named, a resolver): then both try again.
 */
export async function listenOnOnePort(tcp: Server, udp: UdpSocket): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const address = tcp.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const bound = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      udp.once('error', onError);
      udp.bind(address.port, '127.0.0.1', () => {
        udp.off('error', onError);
        resolve(true);
      });
    });
    if (bound) return address.port;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
  }
  throw new Error('no port free for both TCP and UDP after 50 attempts');
}
