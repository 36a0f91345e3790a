// The hostile test suite of dynamic update: a fake DNS server (test/helpers/fake-dns.ts) answers
// the client's signed updates with forgeries — empty, short and truncated MACs, other keys,
// unsigned replies of every RCODE, unsigned TSIG errors, replays, TC, floods, trickled and
// never-ending bytes — alone or ahead of the genuine reply of a real named (the run's BIND
// version). For each: the outcome RFC 8945 §5.4 requires, settlement by the deadline (+ 2 s for a
// loaded machine), the count of forged replies rejected and, for floods, a bound on RSS growth.
// Figures are printed (`hostile:` lines) for the reliability report.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Key } from '../../src/keys/key.js';
import {
  type BindVersion,
  type NamedInstance,
  runBinary,
  startNamed,
  toolsBindVersion,
} from '../../src/testing/index.js';
import { UpdateClient, type UpdateClientOptions } from '../../src/update/client.js';
import { Name, parseName } from '../../src/update/names.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { lookup } from '../helpers/dns.js';
import {
  type FakeDns,
  type FakeKey,
  type FakeRequest,
  type FakeResponder,
  replyTo,
  signReply,
  startFakeDns,
  wireName,
  withId,
  withTsig,
} from '../helpers/fake-dns.js';
import { timed } from '../helpers/timed.js';

/** Allowance over a deadline for a busy 2-core machine: a correctness bound, not a timing. */
const MARGIN_MS = 2000;
const DEADLINE_MS = 1500;
const MiB = 1024 * 1024;

let named: NamedInstance;
let key: Key;
let fakeKey: FakeKey;
const fakes: FakeDns[] = [];
const clients: UpdateClient[] = [];
let serial = 0;

beforeAll(async () => {
  named = await startNamed();
  key = named.keys['hmac-sha256'];
  fakeKey = { name: `${key.name}.`, algorithm: key.algorithm, secret: key.secretBytes() };
});

let dir: string | undefined;

/** A tsig-keygen style file of the test key, for `rndc-js update -k`. */
async function keyFile(): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), 'hostile-update-'));
  const file = join(dir, 'ddns.key');
  await writeFile(
    file,
    `key "${key.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${key.secretBytes().toString('base64')}";\n};\n`,
    { mode: 0o600 },
  );
  return file;
}

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  for (const c of clients) c.close();
  for (const f of fakes) await f.close();
  await named?.stop();
});

async function fake(responder: FakeResponder): Promise<FakeDns> {
  const server = await startFakeDns(responder, { upstreamPort: named.dnsPort });
  fakes.push(server);
  return server;
}

function client(port: number, options: Partial<UpdateClientOptions> = {}): UpdateClient {
  const c = new UpdateClient({
    server: '127.0.0.1',
    port,
    key,
    retryIntervalMs: 300,
    tries: 3,
    timeoutMs: DEADLINE_MS,
    ...options,
  });
  clients.push(c);
  return c;
}

function anUpdate(): { update: Update; name: string } {
  const label = `h${++serial}`;
  return {
    update: new Update('dyn.test').add(`${label} 300 A 192.0.2.${serial % 250}`),
    name: `${label}.dyn.test`,
  };
}

function report(figure: string): void {
  process.stdout.write(`hostile: ${figure}\n`);
}

/** A forged reply built from the request. */
type Forgery = (request: FakeRequest) => Buffer;

const forgeries: Array<[string, Forgery]> = [
  ['an empty MAC with TSIG error 0 and NOERROR', (r) => withTsig(replyTo(r), r)],
  [
    'a 16-byte MAC for a plain hmac-sha256 key (BADTRUNC)',
    (r) => withTsig(replyTo(r), r, { mac: randomBytes(16) }),
  ],
  [
    'an 8-byte MAC, below the minimum of RFC 8945 §5.2.2.1',
    (r) => withTsig(replyTo(r), r, { mac: randomBytes(8) }),
  ],
  [
    'a 48-byte MAC, longer than the digest',
    (r) => withTsig(replyTo(r), r, { mac: randomBytes(48) }),
  ],
  ['a random 32-byte MAC', (r) => withTsig(replyTo(r), r, { mac: randomBytes(32) })],
  [
    'another key name',
    (r) => withTsig(replyTo(r), r, { keyName: wireName('other-key.'), mac: randomBytes(32) }),
  ],
  [
    'another algorithm',
    (r) => withTsig(replyTo(r), r, { algorithm: wireName('hmac-sha512.'), mac: randomBytes(64) }),
  ],
  ['an unsigned NOERROR', (r) => replyTo(r)],
  ['an unsigned REFUSED', (r) => replyTo(r, { rcode: 5 })],
  ['an unsigned FORMERR', (r) => replyTo(r, { rcode: 1 })],
  ['an unsigned SERVFAIL', (r) => replyTo(r, { rcode: 2 })],
  [
    'an unsigned BADTIME (NOTAUTH, empty MAC: BADTIME MUST be signed)',
    (r) => withTsig(replyTo(r, { rcode: 9 }), r, { error: 18 }),
  ],
  [
    'an unsigned BADTRUNC (NOTAUTH, empty MAC: BADTRUNC MUST be signed)',
    (r) => withTsig(replyTo(r, { rcode: 9 }), r, { error: 22 }),
  ],
  [
    'a reply the server signed 1000 s ago (outside the fudge)',
    (r) => signReply(replyTo(r), r, fakeKey, { time: Math.floor(Date.now() / 1000) - 1000 }),
  ],
  [
    'a reply signed with the right key but the MAC cut to 16 bytes (plain key: BADTRUNC)',
    (r) => signReply(replyTo(r), r, fakeKey, { macBytes: 16 }),
  ],
];

describe('forged replies alone: discarded, the send times out by its deadline, mayHaveApplied', () => {
  it.each(forgeries)('%s', async (_title, forge) => {
    const server = await fake((request, channel) => channel.reply(forge(request)));
    const { value, ms } = await timed(client(server.port).send(anUpdate().update));
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveApplied).toBe(true);
    expect(error.authenticated).toBe(false);
    // One forged reply per datagram sent (3 tries), each counted as rejected.
    expect(error.ignoredReplies).toBe(server.requests.length);
    expect(server.requests.length).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    report(
      `${_title}: ${error.ignoredReplies} forged replies rejected, settled in ${Math.round(ms)} ms`,
    );
  });

  it('unsigned replies of every RCODE (0–15) and empty-MAC TSIG errors 0–23 other than BADSIG/BADKEY: all rejected', async () => {
    const server = await fake((request, channel) => {
      for (let rcode = 0; rcode < 16; rcode++) channel.reply(replyTo(request, { rcode }));
      for (let error = 0; error <= 23; error++) {
        if (error === 16 || error === 17) continue;
        for (const rcode of [0, 1, 5, 9]) {
          channel.reply(withTsig(replyTo(request, { rcode }), request, { error }));
        }
      }
    });
    // One send, listened to until the deadline (not only the 300 ms retry interval): on a loaded
    // machine the 104 datagrams are not all read within 300 ms.
    const { value, ms } = await timed(
      client(server.port, { tries: 1, retryIntervalMs: DEADLINE_MS }).send(anUpdate().update),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveApplied).toBe(true);
    expect(error.ignoredReplies).toBe(16 + 22 * 4);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    report(`every RCODE unsigned + empty-MAC TSIG errors: ${error.ignoredReplies} rejected`);
  });

  it('a replay of the genuine reply to an earlier update, under the new ID: rejected', async () => {
    let captured: Buffer | undefined;
    const server = await fake(async (request, channel) => {
      if (!captured) {
        captured = await channel.genuine();
        channel.reply(captured);
        return;
      }
      channel.reply(withId(captured, request.id));
    });
    const updates = client(server.port);
    expect((await updates.send(anUpdate().update)).unwrap().signed).toBe(true);
    const { update, name } = anUpdate();
    const { value, ms } = await timed(updates.send(update));
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveApplied).toBe(true);
    expect(error.ignoredReplies).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    // The fake never forwarded the second update: nothing applied it.
    expect(await lookup(named.dnsPort, name, 'A')).toEqual([]);
  });

  it('replies for another ID and from another source port never reach the exchange', async () => {
    const server = await fake(async (request, channel) => {
      const genuine = await channel.genuine();
      channel.reply(withId(genuine, (request.id + 1) & 0xffff));
      await channel.fromOtherPort(genuine);
    });
    const { value, ms } = await timed(client(server.port, { tries: 1 }).send(anUpdate().update));
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    // The genuine update reached named, so the honest answer is "may have applied".
    expect(error.mayHaveApplied).toBe(true);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });
});

describe("RFC 8945 §5.3.2's unsigned BADSIG/BADKEY: reported, unauthenticated, never proof", () => {
  it.each([
    ['BADSIG', 16],
    ['BADKEY', 17],
  ] as const)(
    'an unsigned NOTAUTH(%s) alone: reported as such, authenticated false, mayHaveApplied true',
    async (kind, code) => {
      const server = await fake((request, channel) =>
        channel.reply(withTsig(replyTo(request, { rcode: 9 }), request, { error: code })),
      );
      const { value, ms } = await timed(client(server.port).send(anUpdate().update));
      const error = value.unwrapErr();
      expect(error).toMatchObject({ kind, rcode: 9, tsigError: code, authenticated: false });
      // A forger who saw the request can send this; it cannot prove the update was not applied.
      expect(error.mayHaveApplied).toBe(true);
      expect(error.message).toContain('unauthenticated');
      expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    },
  );
});

describe('a forged reply first, then the genuine one: the genuine one is accepted', () => {
  const first: Array<[string, Forgery]> = [
    ['an empty MAC with NOERROR', (r) => withTsig(replyTo(r), r)],
    ['an unsigned NOTAUTH(BADSIG)', (r) => withTsig(replyTo(r, { rcode: 9 }), r, { error: 16 })],
    ['an unsigned REFUSED', (r) => replyTo(r, { rcode: 5 })],
    ['an unsigned FORMERR', (r) => replyTo(r, { rcode: 1 })],
    ['an unsigned YXDOMAIN', (r) => replyTo(r, { rcode: 6 })],
  ];
  it.each(first)('%s, then named', async (_title, forge) => {
    const server = await fake(async (request, channel) => {
      channel.reply(forge(request));
      channel.reply(await channel.genuine());
    });
    const { update, name } = anUpdate();
    const result = (await client(server.port, { timeoutMs: 10_000 }).send(update)).unwrap();
    expect(result.signed).toBe(true);
    expect(result.tsig).toMatchObject({
      verified: true,
      keyName: `${key.name}.`,
      algorithm: 'hmac-sha256.',
      macBytes: 32,
      checks: ['key', 'mac-length', 'mac', 'time', 'original-id'],
    });
    // One forgery per copy the fake received: a loaded machine may have resent the update
    // (named slower than the 300 ms retry interval), and each copy's forgery is ignored.
    expect(result.ignoredReplyCount).toBeGreaterThanOrEqual(1);
    expect(result.ignoredReplyCount).toBeLessThanOrEqual(server.requests.length);
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });
});

describe('TC', () => {
  it('an unsigned TC reply is not followed to TCP (it would resend the update on a forger’s word)', async () => {
    const server = await fake(async (request, channel) => {
      if (request.transport === 'udp') channel.reply(replyTo(request, { truncated: true }));
      else channel.reply(await channel.genuine());
    });
    const { value, ms } = await timed(client(server.port).send(anUpdate().update));
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(server.tcpConnections()).toBe(0);
    expect(error.ignoredReplies).toBe(server.requests.length);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('the issue’s attack — unsigned TC, then an empty-MAC NOERROR over TCP — gets no success', async () => {
    const server = await fake((request, channel) => {
      if (request.transport === 'udp') channel.reply(replyTo(request, { truncated: true }));
      else channel.reply(withTsig(replyTo(request), request));
    });
    const udp = (await client(server.port).send(anUpdate().update)).unwrapErr();
    expect(udp.kind).toBe('timeout');
    const { value, ms } = await timed(client(server.port, { tcp: true }).send(anUpdate().update));
    const tcp = value.unwrapErr();
    expect(tcp).toMatchObject({ kind: 'timeout', mayHaveApplied: true, ignoredReplies: 1 });
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('a verified TC reply moves the update to TCP, where the genuine reply is accepted', async () => {
    const server = await fake(async (request, channel) => {
      if (request.transport === 'udp')
        channel.reply(signReply(replyTo(request, { truncated: true }), request, fakeKey));
      else channel.reply(await channel.genuine());
    });
    const { update, name } = anUpdate();
    const result = (await client(server.port, { timeoutMs: 10_000 }).send(update)).unwrap();
    expect(result).toMatchObject({ transport: 'tcp', signed: true });
    expect(server.tcpConnections()).toBe(1);
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });
});

describe('floods, trickles and never-ending data: bounded memory, settled by the deadline', () => {
  const FLOOD_DEADLINE_MS = 3000;

  async function rssGrowth<T>(
    work: () => Promise<T>,
  ): Promise<{ value: T; growth: number; ms: number }> {
    const before = process.memoryUsage.rss();
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 20);
    try {
      const { value, ms } = await timed(work());
      peak = Math.max(peak, process.memoryUsage.rss());
      return { value, growth: peak - before, ms };
    } finally {
      clearInterval(sampler);
    }
  }

  it('UDP: 50,000 forged datagrams per request', async () => {
    const server = await fake((request, channel) => {
      const forged = withTsig(replyTo(request), request);
      let left = 50_000;
      const burst = () => {
        for (let i = 0; i < 500 && left > 0; i++, left--) channel.reply(forged);
        if (left > 0) setImmediate(burst);
      };
      burst();
    });
    const { value, growth, ms } = await rssGrowth(() =>
      client(server.port, {
        tries: 1,
        retryIntervalMs: FLOOD_DEADLINE_MS,
        timeoutMs: FLOOD_DEADLINE_MS,
      }).send(anUpdate().update),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.ignoredReplies).toBeGreaterThan(0);
    expect(error.message.length).toBeLessThan(4000);
    expect(ms).toBeLessThan(FLOOD_DEADLINE_MS + MARGIN_MS);
    expect(growth).toBeLessThan(64 * MiB);
    report(
      `UDP flood: ${error.ignoredReplies} forged datagrams rejected, RSS +${(growth / MiB).toFixed(1)} MiB, settled in ${Math.round(ms)} ms`,
    );
  });

  it('TCP: empty frames (2 bytes each) written as fast as the socket takes them until the deadline', async () => {
    const chunk = Buffer.alloc(64 * 1024); // 32,768 zero-length frames
    const server = await fake((request, channel) => {
      if (request.transport !== 'tcp') return;
      const pump = () => {
        while (channel.open()) {
          if (!channel.raw(chunk)) return;
          // Stop writing when the socket buffers; resume shortly (bounded server memory too).
          setTimeout(pump, 1);
          return;
        }
      };
      pump();
    });
    const { value, growth, ms } = await rssGrowth(() =>
      client(server.port, { tcp: true, timeoutMs: FLOOD_DEADLINE_MS }).send(anUpdate().update),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveApplied).toBe(true);
    expect(error.ignoredReplies).toBeGreaterThan(100_000);
    expect(ms).toBeLessThan(FLOOD_DEADLINE_MS + MARGIN_MS);
    expect(growth).toBeLessThan(64 * MiB);
    report(
      `TCP 2-byte frame flood: ${error.ignoredReplies} frames rejected, RSS +${(growth / MiB).toFixed(1)} MiB, settled in ${Math.round(ms)} ms`,
    );
  });

  it('TCP: forged replies with the right ID, thousands per write, until the deadline', async () => {
    const server = await fake((request, channel) => {
      if (request.transport !== 'tcp') return;
      const forged = withTsig(replyTo(request), request);
      const framed = Buffer.concat([
        Buffer.from([forged.length >> 8, forged.length & 0xff]),
        forged,
      ]);
      const burst = Buffer.concat(Array.from({ length: 1000 }, () => framed));
      const pump = () => {
        if (!channel.raw(burst)) return;
        setTimeout(pump, 1);
      };
      pump();
    });
    const { value, growth, ms } = await rssGrowth(() =>
      client(server.port, { tcp: true, timeoutMs: FLOOD_DEADLINE_MS }).send(anUpdate().update),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.ignoredReplies).toBeGreaterThan(1000);
    expect(ms).toBeLessThan(FLOOD_DEADLINE_MS + MARGIN_MS);
    expect(growth).toBeLessThan(64 * MiB);
    report(
      `TCP forged-reply flood: ${error.ignoredReplies} forged replies rejected, RSS +${(growth / MiB).toFixed(1)} MiB, settled in ${Math.round(ms)} ms`,
    );
  });

  it('a verified TC moves the update to TCP, where 2-byte frames flood until the deadline', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    const server = await fake((request, channel) => {
      if (request.transport === 'udp') {
        channel.reply(signReply(replyTo(request, { truncated: true }), request, fakeKey));
        return;
      }
      const pump = () => {
        if (channel.raw(chunk)) setTimeout(pump, 1);
      };
      pump();
    });
    const { value, growth, ms } = await rssGrowth(() =>
      client(server.port, { timeoutMs: FLOOD_DEADLINE_MS }).send(anUpdate().update),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('TCP');
    expect(server.tcpConnections()).toBe(1);
    expect(error.ignoredReplies).toBeGreaterThan(10_000);
    expect(ms).toBeLessThan(FLOOD_DEADLINE_MS + MARGIN_MS);
    expect(growth).toBeLessThan(64 * MiB);
    report(
      `verified TC then a TCP frame flood: ${error.ignoredReplies} frames rejected, RSS +${(growth / MiB).toFixed(1)} MiB, settled in ${Math.round(ms)} ms`,
    );
  });

  it('TCP: a 65,535-byte frame announced, then one byte every few ms, never finished', async () => {
    const server = await fake((request, channel) => {
      if (request.transport !== 'tcp') return;
      channel.raw(Buffer.from([0xff, 0xff]));
      const drip = () => {
        if (channel.raw(Buffer.from([0x41]))) setTimeout(drip, 2);
      };
      drip();
    });
    const { value, growth, ms } = await rssGrowth(() =>
      client(server.port, { tcp: true, timeoutMs: FLOOD_DEADLINE_MS }).send(anUpdate().update),
    );
    expect(value.unwrapErr().kind).toBe('timeout');
    expect(ms).toBeLessThan(FLOOD_DEADLINE_MS + MARGIN_MS);
    expect(growth).toBeLessThan(64 * MiB);
  });

  it('TCP: the genuine reply trickled one byte at a time is still accepted', async () => {
    const server = await fake(async (request, channel) => {
      if (request.transport !== 'tcp') return;
      const genuine = await channel.genuine();
      const bytes = Buffer.concat([
        Buffer.from([genuine.length >> 8, genuine.length & 0xff]),
        genuine,
      ]);
      let at = 0;
      const drip = () => {
        if (at < bytes.length && channel.raw(bytes.subarray(at, at + 1))) {
          at++;
          setTimeout(drip, 3);
        }
      };
      drip();
    });
    const { update, name } = anUpdate();
    const result = (
      await client(server.port, { tcp: true, timeoutMs: 20_000 }).send(update)
    ).unwrap();
    expect(result).toMatchObject({ transport: 'tcp', signed: true });
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
  });
});

describe('zone discovery: a forged SOA answer never chooses the zone', () => {
  /** An unsigned answer naming `evil.test.` as the zone, with an SOA in the answer section. */
  function forgedSoa(request: FakeRequest): Buffer {
    const reply = replyTo(request, { rcode: 0 });
    const rdata = Buffer.concat([
      wireName('ns.evil.test.'),
      wireName('admin.evil.test.'),
      Buffer.alloc(20, 1),
    ]);
    const rr = Buffer.concat([
      wireName('evil.test.'),
      Buffer.from([0, 6, 0, 1, 0, 0, 0, 60, rdata.length >> 8, rdata.length & 0xff]),
      rdata,
    ]);
    const out = Buffer.concat([reply, rr]);
    out.writeUInt16BE(1, 6);
    return out;
  }

  it('forged unsigned SOA alone → no zone (nothing sent, mayHaveApplied false)', async () => {
    const server = await fake((request, channel) => channel.reply(forgedSoa(request)));
    const { value, ms } = await timed(
      client(server.port).send(new Update().add('www.dyn.test. 300 A 192.0.2.1')),
    );
    const error = value.unwrapErr();
    expect(error.kind).toBe('timeout');
    expect(error.mayHaveApplied).toBe(false);
    expect(error.ignoredReplies).toBeGreaterThanOrEqual(1);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    // Only SOA queries reached the fake: no UPDATE was sent to the forged zone.
    expect(server.requests.every((r) => ((r.bytes[2]! >> 3) & 0x0f) === 0)).toBe(true);
  });

  it('forged unsigned SOA first, then named’s signed answer → the real zone, authenticated', async () => {
    const server = await fake(async (request, channel) => {
      if (((request.bytes[2]! >> 3) & 0x0f) === 0) channel.reply(forgedSoa(request));
      channel.reply(await channel.genuine());
    });
    const c = client(server.port, { timeoutMs: 10_000 });
    const found = (await c.findZone(parseName('www.dyn.test.', Name.root).unwrap())).unwrap();
    expect(found.zone.toString()).toBe('dyn.test.');
    expect(found.authenticated).toBe(true);
    const { update, name } = {
      update: new Update().add('disc.dyn.test. 300 A 192.0.2.8'),
      name: 'disc.dyn.test',
    };
    expect((await c.send(update)).unwrap().zone).toBe('dyn.test.');
    expect(await lookup(named.dnsPort, name, 'A')).toEqual(['192.0.2.8']);
  });
});

describe('differential: nsupdate against the same fake server', () => {
  const cases: Array<[string, Forgery, RegExp]> = [
    ['an empty MAC with NOERROR', (r) => withTsig(replyTo(r), r), /tsig verify failure/],
    ['an unsigned NOERROR', (r) => replyTo(r), /expected a TSIG or SIG\(0\)/],
    [
      'a 16-byte MAC for a plain key',
      (r) => withTsig(replyTo(r), r, { mac: randomBytes(16) }),
      /TSIG error|FORMERR|failed/,
    ],
  ];
  it.each(cases)(
    '%s: nsupdate exits 2 and so does our runner; neither reports success',
    async (_t, forge, theirText) => {
      const server = await fake((request, channel) => channel.reply(forge(request)));
      const script = `server 127.0.0.1 ${server.port}\nzone dyn.test\nupdate add diff.dyn.test. 300 A 192.0.2.1\nsend\n`;
      const theirs = await runBinary(
        'nsupdate',
        [
          '-t',
          '3',
          '-u',
          '1',
          '-y',
          `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`,
        ],
        { input: script, timeoutMs: 30_000 },
      );
      expect(theirs.exitCode, theirs.stderr).toBe(2);
      expect(theirs.stderr).toMatch(theirText);
      const ours = (
        await runNsupdateScript(script, {
          key,
          timeoutMs: DEADLINE_MS,
          retryIntervalMs: 300,
          tries: 2,
        })
      ).unwrap();
      expect(ours.exitCode).toBe(2);
      const send = ours.sends[0]!.result.unwrapErr();
      expect(send).toMatchObject({ kind: 'timeout', mayHaveApplied: true });
      expect(send.ignoredReplies).toBeGreaterThanOrEqual(1);
      expect(ours.stderr).toMatch(/Communication with .* failed: timed out/);
    },
  );
});

/**
 * nsupdate's one line for a message over 65,535 bytes names the BIND function that failed: 9.16
 * still called dns_request_createvia(). rndc-js prints its own sentence on every version.
 */
const NSUPDATE_TOO_LARGE: Record<BindVersion, string> = {
  '9.16': 'dns_request_createvia: ran out of space',
  '9.18': 'dns_request_create: ran out of space',
  '9.20': 'dns_request_create: ran out of space',
};

describe('an update too large for one DNS message (65,535 bytes): a typed error, nothing sent', () => {
  it('3,000 A records, over UDP/TCP and forced TCP → too-large with the size and the limit', async () => {
    const server = await fake(() => {});
    const update = new Update('dyn.test');
    for (let i = 0; i < 3000; i++) update.add(`big${i} 300 A 192.0.2.${i % 250}`);
    for (const tcp of [false, true]) {
      const error = (await client(server.port, { tcp }).send(update)).unwrapErr();
      expect(error).toMatchObject({ kind: 'too-large', limit: 65535, mayHaveApplied: false });
      expect(error.size).toBeGreaterThan(65535);
      expect(error.message).toContain(String(error.size));
      expect(error.remedy).toMatch(/split/);
    }
    expect(server.requests).toHaveLength(0);
    expect(server.tcpConnections()).toBe(0);
  });

  it('70,000 records in one section → too-large (a 16-bit count), a value, not a rejection', async () => {
    const server = await fake(() => {});
    const update = new Update('dyn.test');
    for (let i = 0; i < 70_000; i++)
      update.add({ name: `r${i}`, type: 'A', ttl: 300, data: '192.0.2.1' });
    const result = await client(server.port).send(update);
    expect(result.unwrapErr()).toMatchObject({ kind: 'too-large', size: 70_000, limit: 65535 });
    expect(server.requests).toHaveLength(0);
  });

  it('rndc-js update prints one line and exits 1, as nsupdate does ("ran out of space")', async () => {
    const server = await fake(() => {});
    const lines = [`server 127.0.0.1 ${server.port}`, 'zone dyn.test'];
    for (let i = 0; i < 6000; i++)
      lines.push(`update add h${i}.dyn.test. 300 A 192.0.2.${i % 250}`);
    const script = `${lines.join('\n')}\nsend\nupdate add after.dyn.test. 300 A 192.0.2.1\nsend\n`;
    const y = `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`;
    const theirs = await runBinary('nsupdate', ['-y', y], { input: script, timeoutMs: 60_000 });
    expect(theirs.exitCode).toBe(1);
    const version = await toolsBindVersion();
    if (version === undefined) throw new Error('no supported BIND tools found');
    expect(theirs.stderr.trim().split('\n')).toEqual([NSUPDATE_TOO_LARGE[version]]);
    const root = new URL('../..', import.meta.url).pathname;
    const ours = await runBinary(
      process.execPath,
      [...CLI_FROM_SOURCE, 'update', '-k', await keyFile()],
      { input: script, timeoutMs: 60_000, cwd: root },
    );
    expect(ours.exitCode, ours.stderr).toBe(1);
    const stderr = ours.stderr.trim().split('\n');
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(/over the 65535-byte limit .*split it/);
    expect(ours.stdout).toBe('');
    // Neither tool sent anything, not even the update after the oversized one.
    expect(server.requests).toHaveLength(0);
  });
});

describe('65,537+ concurrent sends: IDs are queued, never spun for', () => {
  it('against a server that never answers, every send settles as a typed timeout and the event loop keeps turning', {
    timeout: 180_000,
  }, async () => {
    const server = await fake(() => {});
    const COUNT = 65_536 + 100;
    const DEADLINE = 6000;
    const c = client(server.port, { tries: 1, retryIntervalMs: DEADLINE, timeoutMs: DEADLINE });
    const updates = Array.from({ length: COUNT }, (_, i) =>
      new Update('dyn.test').add({ name: `id${i}`, type: 'A', ttl: 300, data: '192.0.2.1' }),
    );
    const started = performance.now();
    const sends = updates.map((u) => c.send(u));
    const queuedMs = performance.now() - started;
    // From here on the caller does nothing synchronous. While the sends are in flight (before
    // their deadlines, when 65,536 of them time out at once), the longest gap between two ticks
    // of a 10 ms timer is how long the library kept the event loop to itself.
    let ticks = 0;
    let last = performance.now();
    let inFlightStall = 0;
    let settleStall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      if (last - started < DEADLINE - 500) {
        ticks++;
        inFlightStall = Math.max(inFlightStall, now - last);
      } else settleStall = Math.max(settleStall, now - last);
      last = now;
    }, 10);
    try {
      const results = await Promise.all(sends);
      const ms = performance.now() - started;
      expect(results.every((r) => r.isErr() && r.error.kind === 'timeout')).toBe(true);
      // Those that got no ID (or no turn) before their deadline sent nothing, and say so.
      const unsent = results.filter((r) => r.isErr() && !r.error.mayHaveApplied).length;
      expect(server.requests.length).toBeLessThanOrEqual(COUNT - unsent);
      // The timer ran while sends were in flight (how often depends on the machine's load:
      // 345 ticks idle, 9 with a load of 11 on 2 cores); the stall bound is the real check.
      expect(ticks).toBeGreaterThan(0);
      expect(inFlightStall).toBeLessThan(DEADLINE);
      expect(ms).toBeLessThan(DEADLINE + 60_000);
      report(
        `${COUNT} concurrent sends: all settled as timeouts in ${Math.round(ms)} ms (deadline ${DEADLINE} ms), ${unsent} never sent; queued in ${Math.round(queuedMs)} ms, ${ticks} timer ticks in flight, longest event-loop stall in flight ${Math.round(inFlightStall)} ms, while 65,536 deadlines expire at once ${Math.round(settleStall)} ms`,
      );
    } finally {
      clearInterval(ticker);
    }
  });
});

describe('rndc-js update against the fake server (the issue’s command lines)', () => {
  const root = new URL('../..', import.meta.url).pathname;
  const rndcJs = async (args: readonly string[], input: string) =>
    runBinary(process.execPath, [...CLI_FROM_SOURCE, 'update', ...args], {
      input,
      timeoutMs: 60_000,
      cwd: root,
    });

  it('an empty-MAC NOERROR: nsupdate exits 2 (tsig verify failure), rndc-js exits 2 (timed out), --json says not ok', async () => {
    const server = await fake((request, channel) =>
      channel.reply(withTsig(replyTo(request), request)),
    );
    const script = `server 127.0.0.1 ${server.port}\nzone dyn.test\nupdate add cli.dyn.test. 300 A 192.0.2.1\nsend\n`;
    const y = `hmac-sha256:${key.name}:${key.secretBytes().toString('base64')}`;
    const theirs = await runBinary('nsupdate', ['-t', '3', '-u', '1', '-y', y], {
      input: script,
      timeoutMs: 30_000,
    });
    expect(theirs.exitCode).toBe(2);
    expect(theirs.stderr).toContain('tsig verify failure');
    const ours = await rndcJs(['-t', '2', '-u', '1', '-k', await keyFile()], script);
    expect(ours.exitCode, ours.stderr).toBe(2);
    expect(ours.stderr).toMatch(/Communication with 127\.0\.0\.1#\d+ failed: timed out/);
    const json = await rndcJs(['--json', '-t', '2', '-u', '1', '-k', await keyFile()], script);
    const doc = JSON.parse(json.stdout);
    expect(doc.exitCode).toBe(2);
    expect(doc.sends[0]).toMatchObject({
      ok: false,
      error: { kind: 'timeout', mayHaveApplied: true },
    });
  });

  it('an unsigned TC, then 2-byte frames over TCP (-v): exit 2 by the deadline, no crash', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    const server = await fake((request, channel) => {
      if (request.transport === 'udp') {
        channel.reply(replyTo(request, { truncated: true }));
        return;
      }
      const pump = () => {
        if (channel.raw(chunk)) setTimeout(pump, 1);
      };
      pump();
    });
    const script = `server 127.0.0.1 ${server.port}\nzone dyn.test\nupdate add flood.dyn.test. 300 A 192.0.2.1\nsend\n`;
    for (const flags of [[], ['-v']]) {
      const ours = await rndcJs([...flags, '-t', '3', '-u', '1', '-k', await keyFile()], script);
      expect(ours.exitCode, ours.stderr).toBe(2);
      expect(ours.stderr).not.toMatch(/invalid size|RangeError|\n\s+at /);
      expect(ours.stderr).toMatch(/timed out/);
    }
    // Without -v the unsigned TC was not followed: only -v opened a TCP connection.
    expect(server.tcpConnections()).toBe(1);
  });
});

describe('runNsupdateScript: a later `key` line signs what follows, as in nsupdate', () => {
  it('the same key name with another secret: the second send is signed with it (named: BADSIG), not with the first', async () => {
    const right = key.secretBytes().toString('base64');
    const wrong = Buffer.alloc(32, 7).toString('base64');
    const first = `ks${++serial}.dyn.test.`;
    const second = `ks${++serial}.dyn.test.`;
    const script = [
      `server 127.0.0.1 ${named.dnsPort}`,
      'zone dyn.test',
      `key hmac-sha256:${key.name} ${right}`,
      `update add ${first} 300 A 192.0.2.1`,
      'send',
      `key hmac-sha256:${key.name} ${wrong}`,
      `update add ${second} 300 A 192.0.2.2`,
      'send',
      '',
    ].join('\n');
    const theirs = await runBinary('nsupdate', ['-t', '5'], { input: script, timeoutMs: 30_000 });
    // nsupdate: the second send is refused (BADSIG), exit 2.
    expect(theirs.exitCode, theirs.stderr).toBe(2);
    expect(theirs.stderr).toMatch(/BADSIG/);
    const ours = (await runNsupdateScript(script, { timeoutMs: 5000 })).unwrap();
    expect(ours.exitCode).toBe(2);
    expect(ours.sends[0]!.result.isOk()).toBe(true);
    expect(ours.sends[1]!.result.unwrapErr()).toMatchObject({
      kind: 'BADSIG',
      mayHaveApplied: true,
    });
    expect(await lookup(named.dnsPort, second, 'A')).toEqual([]);
  });
});

describe('signed with the right key but not a valid answer (checks other than the MAC): discarded', () => {
  // The fake signs these with the real key, so the MAC verifies: each is rejected by the check
  // named in the title alone. (An attacker without the secret fails the MAC anyway; these lock
  // the checks that do not depend on it, and TSIG's class and TTL, which the MAC does not cover.)
  const keyNameLength = () => wireName(fakeKey.name).length;
  const signed = (message: Buffer, request: FakeRequest) => signReply(message, request, fakeKey);
  const cases: Array<[string, Forgery]> = [
    [
      'QR clear (a query, not a response)',
      (r) => {
        const m = replyTo(r);
        m[2] = m[2]! & 0x7f;
        return signed(m, r);
      },
    ],
    ['opcode QUERY in answer to an UPDATE', (r) => signed(replyTo(r, { opcode: 0 }), r)],
    [
      'TSIG class IN (RFC 8945 §4.2: ANY; the MAC input does not carry it)',
      (r) => {
        const m = replyTo(r);
        const out = signed(m, r);
        out.writeUInt16BE(1, m.length + keyNameLength() + 2);
        return out;
      },
    ],
    [
      'TSIG TTL 1 (must be 0; not covered by the MAC)',
      (r) => {
        const m = replyTo(r);
        const out = signed(m, r);
        out.writeUInt32BE(1, m.length + keyNameLength() + 4);
        return out;
      },
    ],
    ['two TSIG records (the last one verifies)', (r) => signed(signed(replyTo(r), r), r)],
    [
      'a TSIG that is not the last record (an OPT after it)',
      (r) => {
        const out = Buffer.concat([
          signed(replyTo(r), r),
          Buffer.from([0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0]),
        ]);
        out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
        return out;
      },
    ],
    [
      'Original ID of another request (MAC computed with that ID)',
      (r) => {
        const other = (r.id + 1) & 0xffff;
        const out = signReply(replyTo(r, { id: other }), { ...r, id: other }, fakeKey);
        out.writeUInt16BE(r.id, 0);
        return out;
      },
    ],
  ];
  it.each(cases)('%s', async (_title, forge) => {
    const server = await fake((request, channel) => channel.reply(forge(request)));
    const { value, ms } = await timed(client(server.port, { tries: 1 }).send(anUpdate().update));
    const error = value.unwrapErr();
    expect(error).toMatchObject({ kind: 'timeout', mayHaveApplied: true, authenticated: false });
    expect(error.ignoredReplies).toBe(1);
    expect(ms).toBeLessThan(DEADLINE_MS + MARGIN_MS);
  });

  it('control: the same signing, unaltered, is accepted (the fake signs as named does)', async () => {
    const server = await fake((request, channel) =>
      channel.reply(signed(replyTo(request), request)),
    );
    // A generous deadline: the control proves acceptance, not speed (1.5 s was missed once at
    // load average 14).
    const result = (
      await client(server.port, { tries: 1, timeoutMs: 15_000 }).send(anUpdate().update)
    ).unwrap();
    expect(result.signed).toBe(true);
  });
});

describe('a verified error that answers a retry: the first copy may have been applied', () => {
  it('"nxdomain X + add X": the first copy reaches named (reply lost), the retry is answered YXDOMAIN → mayHaveApplied true', async () => {
    const server = await fake(async (request, channel) => {
      const genuine = await channel.genuine();
      // The first copy's reply is lost on the way back; named's answer to the retry gets through.
      if (request.index > 0) channel.reply(genuine);
    });
    const label = `retry${++serial}`;
    const name = `${label}.dyn.test`;
    const update = new Update('dyn.test').absent(label).add(`${label} 300 A 192.0.2.7`);
    const error = (
      await client(server.port, { tries: 3, retryIntervalMs: 500, timeoutMs: 10_000 }).send(update)
    ).unwrapErr();
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(error).toMatchObject({ kind: 'YXDOMAIN', authenticated: true });
    // The record is there: the first copy was applied. Saying "not applied" would be false.
    expect(await lookup(named.dnsPort, name, 'A')).toHaveLength(1);
    expect(error.mayHaveApplied).toBe(true);
    expect(error.message).toMatch(/earlier copy may have been applied/);
  });

  it('a verified error to the only copy sent is still definite (mayHaveApplied false)', async () => {
    const server = await fake(async (_request, channel) => channel.reply(await channel.genuine()));
    const label = `once${++serial}`;
    const first = new Update('dyn.test').add(`${label} 300 A 192.0.2.8`);
    (await client(server.port).send(first)).unwrap();
    const again = new Update('dyn.test').absent(label).add(`${label} 300 A 192.0.2.9`);
    const error = (await client(server.port, { timeoutMs: 10_000 }).send(again)).unwrapErr();
    expect(error).toMatchObject({ kind: 'YXDOMAIN', authenticated: true, mayHaveApplied: false });
  });
});

describe('EDNS in a verified reply', () => {
  /** `message` with an OPT record whose TTL carries `extendedRcode` (RFC 6891 §6.1.3). */
  const withOpt = (message: Buffer, extendedRcode: number) => {
    const opt = Buffer.from([0, 0, 41, 0x04, 0xd0, extendedRcode, 0, 0, 0, 0, 0]);
    const out = Buffer.concat([message, opt]);
    out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
    return out;
  };

  it('NOERROR in the header but BADVERS (16) in the OPT: an error, never a success', async () => {
    const server = await fake((request, channel) =>
      channel.reply(signReply(withOpt(replyTo(request), 1), request, fakeKey)),
    );
    const error = (
      await client(server.port, { tries: 1, timeoutMs: 15_000 }).send(anUpdate().update)
    ).unwrapErr();
    expect(error).toMatchObject({ kind: 'RCODE', rcode: 16, authenticated: true });
  });

  it('an OPT with extended RCODE 0 changes nothing: NOERROR is a success', async () => {
    const server = await fake((request, channel) =>
      channel.reply(signReply(withOpt(replyTo(request), 0), request, fakeKey)),
    );
    const result = (
      await client(server.port, { tries: 1, timeoutMs: 15_000 }).send(anUpdate().update)
    ).unwrap();
    expect(result.signed).toBe(true);
  });
});
