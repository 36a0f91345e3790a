// Zone transfers from a real named (the version of RNDC_BIND_VERSION): transfer() equals
// `dig AXFR` (both canonicalised by named-compilezone) for a zone of varied types; TSIG over a
// multi-message transfer; a tampered middle message (through a DNS proxy) fails naming it; IXFR
// differences equal `named-journalprint` of the primary's journal after dynamic updates; the CLI's
// zone output passes named-checkzone; and the default of allow-transfer per version (9.20 refuses).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bindVersionBinDir,
  type NamedInstance,
  selectedBindVersion,
  startNamed,
} from '../../src/testing/index.js';
import { recordText } from '../../src/xfr/axfr.js';
import { transferIncremental } from '../../src/xfr/ixfr.js';
import { transfer, transferZoneText } from '../../src/xfr/transfer.js';
import { addRecord } from '../helpers/add-record.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { startDnsTcpProxy } from '../helpers/dns-tcp-proxy.js';

const run = promisify(execFile);
const version = selectedBindVersion() ?? '9.18';
const bin = (tool: string) => join(bindVersionBinDir(version), tool);

/** What each version does with a zone when named.conf has no allow-transfer at all. */
const DEFAULT_ALLOW_TRANSFER: Record<string, 'allowed' | 'refused'> = {
  '9.16': 'allowed',
  '9.18': 'allowed',
  '9.20': 'refused', // 9.20 changed the default of allow-transfer to none
};

const BULK = Array.from({ length: 1200 }, (_, i) => `bulk-${i} 300 A 198.51.100.${i % 250}`);
const VARIED = [
  '@ 300 MX 10 mail',
  'mail 300 A 192.0.2.25',
  'v6 300 AAAA 2001:db8::25',
  'quoted 300 TXT "hello world" "with \\"quotes\\" inside" "semi;colon"',
  '_sip._tcp 300 SRV 10 60 5060 sip',
  'sip 300 A 192.0.2.26',
  '@ 300 CAA 0 issue "letsencrypt.org"',
  'sub 300 NS ns.sub',
  'ns.sub 300 A 192.0.2.53',
  'sub 300 DS 12345 13 2 5f6c6e0b1c0e2dc0c9f4e8b9b0f1a2d3c4e5f60718293a4b5c6d7e8f90a1b2c3',
  ...BULK,
];

let named: NamedInstance;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'rndc-xfr-'));
  named = await startNamed({
    zones: [
      // Large enough that 3 differences are smaller than the zone: BIND answers IXFR with the
      // whole zone when the differences would be larger (max-ixfr-ratio, default 100%, 9.16+).
      { name: 'dyn.test', kind: 'dynamic', records: BULK.slice(0, 100) },
      { name: 'varied.test', kind: 'static', records: VARIED },
    ],
  });
});
afterAll(async () => {
  await named?.stop();
  await rm(scratch, { recursive: true, force: true });
});

/** The zone as named-compilezone writes it canonically: one sorted line per record. */
async function canonical(zone: string, text: string, name: string): Promise<string[]> {
  const file = join(scratch, `${name}.zone`);
  const out = join(scratch, `${name}.canonical`);
  await writeFile(file, text);
  await run(bin('named-compilezone'), ['-i', 'none', '-q', '-o', out, zone, file]);
  const { readFile } = await import('node:fs/promises');
  return (await readFile(out, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith(';'))
    .map((line) => line.replace(/\s+/g, ' '))
    .sort();
}

describe(`AXFR from named ${version}`, () => {
  it('transfer() yields the same records as dig AXFR (canonicalised by named-compilezone)', async () => {
    const ours = await transferZoneText('varied.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
    });
    const zone = ours.unwrap();
    expect(zone.summary.records).toBe(5 + VARIED.length);
    expect(zone.summary.messages).toBeGreaterThan(1);
    const dig = await run(bin('dig'), [
      '-p',
      String(named.dnsPort),
      '@127.0.0.1',
      'varied.test',
      'AXFR',
      '+nocmd',
      '+nostats',
      '+noall',
      '+answer',
    ]);
    const mine = await canonical('varied.test', zone.text, 'ours');
    const theirs = await canonical('varied.test', dig.stdout, 'dig');
    expect(mine.length).toBe(5 + VARIED.length);
    expect(mine).toEqual(theirs);
    // The types of the zone are all there.
    for (const type of ['SOA', 'NS', 'MX', 'AAAA', 'TXT', 'SRV', 'CAA', 'DS'])
      expect(mine.some((line) => line.includes(` ${type} `))).toBe(true);
  });

  it('a TSIG-signed transfer: every message verified (BIND signs each)', async () => {
    const t = transfer('varied.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
    });
    let count = 0;
    for await (const _ of t) count++;
    const done = (await t.done).unwrap();
    expect(done).toMatchObject({ signed: true, records: count });
    expect(done.messages).toBeGreaterThanOrEqual(3);
  });

  it('a tampered middle message fails the transfer with a tsig error naming message 2', async () => {
    const proxy = await startDnsTcpProxy(named.dnsPort, (message, index) => {
      if (index !== 1) return message;
      const bad = Buffer.from(message);
      bad[40]! ^= 0x20; // inside the records of message 2
      return bad;
    });
    try {
      const t = transfer('varied.test', {
        server: '127.0.0.1',
        port: proxy.port,
        key: named.keys['hmac-sha256'],
      });
      const names: string[] = [];
      for await (const record of t) names.push(record.name.toString());
      const error = (await t.done).unwrapErr();
      expect(error).toMatchObject({ kind: 'tsig', messageIndex: 2 });
      expect(error.message).toMatch(/^message 2: the MAC does not verify/);
      // Only message 1's records were handed out.
      expect(names.length).toBeLessThan(5 + VARIED.length);
    } finally {
      await proxy.close();
    }
  });

  it('the CLI prints a zone file named-checkzone accepts (signed: every message verified)', async () => {
    const k = named.keys['hmac-sha256'];
    const keyFile = join(scratch, 'xfr.key');
    await writeFile(
      keyFile,
      `key "${k.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${k.secretBytes().toString('base64')}";\n};\n`,
      { mode: 0o600 },
    );
    const cli = await run(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        'transfer',
        'varied.test',
        '-s',
        '127.0.0.1',
        '-p',
        String(named.dnsPort),
        '-k',
        keyFile,
      ],
      { cwd: resolve('.'), maxBuffer: 16 * 1024 * 1024 },
    );
    const file = join(scratch, 'cli.zone');
    await writeFile(file, cli.stdout);
    const check = await run(bin('named-checkzone'), ['varied.test', file]);
    expect(check.stdout).toMatch(/loaded serial \d+\nOK/);
    expect(cli.stdout).toMatch(/every message TSIG-verified/);
  });
});

describe(`IXFR from named ${version}`, () => {
  it('the differences after three updates equal named-journalprint of the journal', async () => {
    const before = await transferIncremental('dyn.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      serial: 2024010101,
      key: named.keys['hmac-sha256'],
    });
    expect(before.unwrap()).toMatchObject({ kind: 'up-to-date', serial: 2024010101 });
    for (let i = 0; i < 3; i++) await addRecord(named, 'ixfr');
    const result = (
      await transferIncremental('dyn.test', {
        server: '127.0.0.1',
        port: named.dnsPort,
        serial: 2024010101,
        key: named.keys['hmac-sha256'],
      })
    ).unwrap();
    expect(result).toMatchObject({ kind: 'incremental', fromSerial: 2024010101, signed: true });
    if (result.kind !== 'incremental') return;
    expect(result.deltas).toHaveLength(3);
    const ours = result.deltas.flatMap((d) => [
      ...[d.fromSoa, ...d.deleted].map((r) => `del ${recordText(r)}`),
      ...[d.toSoa, ...d.added].map((r) => `add ${recordText(r)}`),
    ]);
    const journal = await run(bin('named-journalprint'), [
      join(named.dir, 'zones', 'dyn.test.db.jnl'),
    ]);
    const theirs = journal.stdout
      .split('\n')
      .filter((line) => /^(del|add) /.test(line))
      .map((line) => line.replace(/\s+/g, ' '));
    expect(ours.map((line) => line.replace(/\s+/g, ' '))).toEqual(theirs);
    // The CLI prints the same del/add lines.
    const cli = await run(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        'transfer',
        'dyn.test',
        '-p',
        String(named.dnsPort),
        '--ixfr',
        '2024010101',
      ],
      { cwd: resolve('.') },
    );
    expect(
      cli.stdout
        .split('\n')
        .filter((line) => /^(del|add) /.test(line))
        .map((line) => line.replace(/\s+/g, ' ')),
    ).toEqual(theirs);

    // Asking from the newest serial: up to date; from a serial the journal does not have:
    // BIND falls back to the whole zone, which we report as 'full'.
    const latest = await transferIncremental('dyn.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      serial: result.toSerial,
    });
    expect(latest.unwrap()).toMatchObject({ kind: 'up-to-date', serial: result.toSerial });
    const old = await transferIncremental('dyn.test', {
      server: '127.0.0.1',
      port: named.dnsPort,
      serial: 1,
    });
    const full = old.unwrap();
    expect(full.kind).toBe('full');
    if (full.kind === 'full') expect(full.serial).toBe(result.toSerial);
  });
});

describe(`allow-transfer left unset on named ${version}`, () => {
  it(`transfers are ${DEFAULT_ALLOW_TRANSFER[version]} (the version's default)`, async () => {
    const bare = await startNamed({
      zones: [{ name: 'bare.test', kind: 'static' }],
      beforeStart: async ({ configFile }) => {
        const { readFile } = await import('node:fs/promises');
        const conf = await readFile(configFile, 'utf8');
        const without = conf.replace(/^\s*allow-transfer \{[^}]*\};\n/m, '');
        expect(without).not.toMatch(/allow-transfer/);
        await writeFile(configFile, without);
      },
    });
    try {
      const done = await transfer('bare.test', { server: '127.0.0.1', port: bare.dnsPort }).done;
      if (DEFAULT_ALLOW_TRANSFER[version] === 'allowed') {
        expect(done.unwrap().records).toBeGreaterThan(3);
      } else {
        const error = done.unwrapErr();
        expect(error).toMatchObject({ kind: 'refused', rcode: 'REFUSED', messageIndex: 1 });
        expect(error.causes[0]).toMatch(/BIND 9\.20 refuses outgoing transfers/);
        expect(error.remedy).toMatch(/allow-transfer \{ 127\.0\.0\.1; ::1; \}/);
      }
    } finally {
      await bare.stop();
    }
  });
});
