/** The zone file of the transfer benchmark (bench/xfr.bench.ts), written fast. */
import { createWriteStream } from 'node:fs';

/** Record `i` of the zone (relative owner), a realistic mix of types and sizes. */
export function record(i: number, zone: string): string {
  const host = `host${i >> 1}`;
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return `${host} 300 A 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    case 3:
      return `${host} 300 AAAA 2001:db8::${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}`;
    case 4:
      return `${host} 3600 TXT "v=spf1 ip4:10.${(i >> 16) & 255}.${(i >> 8) & 255}.0/24 -all" "id=${i}"`;
    case 5:
      return `${host} 3600 MX 10 mail${i % 1000}.${zone}.`;
    case 6:
      return `www${i} 300 CNAME host${i >> 1}.${zone}.`;
    case 7:
      return `_sip._tcp.${host} 300 SRV 10 60 5060 sip${i % 1000}.${zone}.`;
    case 8:
      return `${host} 3600 CAA 0 issue "letsencrypt.org"`;
    default:
      return `${host} 300 AAAA 2001:db8:${(i >> 16).toString(16)}::${(i & 0xffff).toString(16)}`;
  }
}

/** Writes the zone file: SOA, NS, the NS's address and `total - 3` generated records. */
export async function writeZone(path: string, zone: string, total: number): Promise<void> {
  const out = createWriteStream(path);
  const head = [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ 3600 SOA ns1.${zone}. hostmaster.${zone}. 2024010101 3600 900 604800 300`,
    `@ 3600 NS ns1.${zone}.`,
    'ns1 3600 A 127.0.0.1',
  ];
  let chunk = `${head.join('\n')}\n`;
  for (let i = 0; i < total - 3; i++) {
    chunk += `${record(i, zone)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end(chunk, (error?: Error | null) => (error ? reject(error) : resolve())),
  );
}
