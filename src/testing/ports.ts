/**
 * Free loopback ports for test servers.
 */
import { createSocket } from 'node:dgram';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports handed out by this process recently, so concurrent starts do not pick the same one. */
const recentlyHandedOut = new Set<number>();
const MAX_REMEMBERED = 512;

/**
 * A port on 127.0.0.1 that is currently free for both TCP and UDP: the kernel picks a TCP port
 * (bind to port 0), then the same port is bound over UDP; both are released before returning.
 * Another process can still take the port before the caller binds it, so callers must detect
 * "address in use" and retry.
 */
export async function freePort(exclude: ReadonlySet<number> = new Set()): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindTcp(0);
    if (port === undefined || exclude.has(port) || recentlyHandedOut.has(port)) continue;
    if (!(await udpFree(port))) continue;
    recentlyHandedOut.add(port);
    if (recentlyHandedOut.size > MAX_REMEMBERED) {
      const oldest = recentlyHandedOut.values().next().value;
      if (oldest !== undefined) recentlyHandedOut.delete(oldest);
    }
    return port;
  }
  throw new Error('could not find a free port on 127.0.0.1 (TCP and UDP) after 50 attempts');
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(ports));
  return [...ports];
}

function bindTcp(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp4', reuseAddr: false });
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // never bound
      }
      resolve(false);
    });
    socket.bind({ address: '127.0.0.1', port, exclusive: true }, () => {
      socket.close(() => resolve(true));
    });
  });
}

/** A port and the transports on which it must be bound only by one process. */
export interface PortUse {
  readonly port: number;
  readonly tcp: boolean;
  readonly udp: boolean;
}

/** IPv4 / IPv6 addresses (as in /proc/net/*) that receive traffic for 127.0.0.1. */
const LOOPBACK_OR_ANY = new Set([
  '0100007F',
  '00000000',
  '00000000000000000000000000000000',
  '0000000000000000FFFF00000100007F',
]);

/**
 * Ports among `uses` on which some process other than `pid` also has a socket bound to
 * 127.0.0.1 or the wildcard (TCP: listening). named binds with SO_REUSEADDR/SO_REUSEPORT, so a
 * second named (same uid) can share a port without any "address in use" error; this finds it.
 * Linux only: returns `undefined` when /proc cannot tell (no /proc, or `pid`'s fds unreadable).
 */
export function portsSharedWithOthers(pid: number, uses: readonly PortUse[]): number[] | undefined {
  const own = socketInodes(pid);
  if (own === undefined) return undefined;
  const shared = new Set<number>();
  const scan = (files: readonly string[], state: string, wanted: (use: PortUse) => boolean) => {
    const ports = new Set(uses.filter(wanted).map((use) => use.port));
    if (ports.size === 0) return true;
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        if (file.endsWith('6')) continue; // no IPv6 in this kernel
        return false;
      }
      for (const line of text.split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        const [address, portHex] = (fields[1] ?? '').split(':');
        const inode = fields[9];
        if (fields[3] !== state || address === undefined || portHex === undefined || !inode) {
          continue;
        }
        const port = Number.parseInt(portHex, 16);
        if (ports.has(port) && LOOPBACK_OR_ANY.has(address) && !own.has(inode)) shared.add(port);
      }
    }
    return true;
  };
  const tcpOk = scan(['/proc/net/tcp', '/proc/net/tcp6'], '0A', (use) => use.tcp);
  const udpOk = scan(['/proc/net/udp', '/proc/net/udp6'], '07', (use) => use.udp);
  if (!tcpOk || !udpOk) return undefined;
  return [...shared].sort((a, b) => a - b);
}

function socketInodes(pid: number): Set<string> | undefined {
  const dir = `/proc/${pid}/fd`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const entry of entries) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${entry}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}
