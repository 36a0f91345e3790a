// rndc-js recover / recoverZone() against real named (the version under test), in the layouts
// where dumps fail: a sticky zone directory with a root-owned zone file (dumps fail at rename()
// and leave complete tmp files), and a read-only zone directory (dumps fail at open(), no tmp
// file: only an AXFR can save the zone). Each copy is checked with the same version's
// named-checkzone and compared with that version's `dig AXFR`.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { RndcClient } from '../../src/control/client.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import { recoverZone } from '../../src/recover/recover.js';
import {
  findBinary,
  type NamedInstance,
  runBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE, fakeIo } from '../helpers/cli-io.js';
import { NOBODY, readOnlyZonesDir } from '../helpers/layouts.js';
import { until } from '../helpers/until.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'recover-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

interface Lab {
  readonly named: NamedInstance;
  readonly rndc: RndcClient;
  readonly conf: string;
  readonly checkzone: string;
  add(name: string): Promise<void>;
  served(): Promise<number>;
  close(): Promise<void>;
}

async function lab(options: StartNamedOptions): Promise<Lab> {
  const named = await startNamed(options);
  const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: named.dnsPort,
    key: named.keys['hmac-sha256'],
  });
  const checkzone = findBinary(
    'named-checkzone',
    named.bindVersion ? { version: named.bindVersion } : {},
  );
  if (!checkzone) throw new Error('named-checkzone of the version under test is not installed');
  return {
    named,
    rndc,
    conf: named.rndcConfFile(),
    checkzone,
    add: async (name) => {
      (await updates.send(new Update('dyn.test').add(`${name} 300 A 192.0.2.77`))).unwrap();
    },
    served: async () => (await rndc.zonestatus('dyn.test')).unwrap().serial,
    close: async () => {
      updates.close();
      await rndc.close();
      await named.stop();
    },
  };
}

/** The sticky layout: named -u nobody may create tmp files but not rename over root's zone file. */
function stickyZonesDir(zoneOptions = ''): StartNamedOptions {
  return {
    user: 'nobody',
    zones: [{ name: 'dyn.test', kind: 'dynamic', options: zoneOptions }],
    beforeStart: async ({ dir, zones }) => {
      const { chmod, chown } = await import('node:fs/promises');
      await chown(join(dir, 'zones'), 0, 0);
      await chmod(join(dir, 'zones'), 0o1777);
      for (const zone of zones) await chown(zone.path, 0, 0);
    },
  };
}

async function cli(l: Lab, args: readonly string[], cwd = l.named.dir) {
  const io = fakeIo({ cwd });
  const code = await runCli(['-c', l.conf, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The zone file's bytes and mtime: they must not change. */
async function fingerprint(path: string) {
  return { bytes: await readFile(path), mtime: (await stat(path)).mtimeMs };
}

/** The record set of a zone file or `dig` output, one normalised line per record, sorted. */
function recordSet(text: string): string[] {
  return (
    text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith(';'))
      // dig shows each message's TSIG record: not zone data.
      .filter((line) => !/\sANY\s+TSIG\s/.test(line))
      .map((line) => line.trim().split(/\s+/).join(' ').toLowerCase())
      .filter((line, i, all) => all.indexOf(line) === i)
      .sort()
  );
}

async function digAxfr(l: Lab, extra: readonly string[] = []): Promise<string> {
  const dig = await runBinary(
    findBinary('dig', l.named.bindVersion ? { version: l.named.bindVersion } : {}) ?? 'dig',
    [
      '@127.0.0.1',
      '-p',
      String(l.named.dnsPort),
      '+nocmd',
      '+nostats',
      ...extra,
      'dyn.test',
      'AXFR',
    ],
  );
  expect(dig.exitCode, dig.stderr).toBe(0);
  return dig.stdout;
}

/** A zone file as the version under test's named-compilezone writes it, records sorted. */
async function canonical(l: Lab, file: string): Promise<string[]> {
  const compile = await runBinary(
    findBinary('named-compilezone', l.named.bindVersion ? { version: l.named.bindVersion } : {}) ??
      'named-compilezone',
    ['-q', '-o', '-', 'dyn.test', file],
  );
  expect(compile.exitCode, compile.stderr).toBe(0);
  const lines = recordSet(compile.stdout);
  expect(lines.length, compile.stdout).toBeGreaterThan(10);
  return lines;
}

/** Makes named try (and fail) to dump: an explicit sync, then waits for the tmp file it leaves. */
async function tmpWithServedSerial(l: Lab): Promise<string> {
  const served = await l.served();
  (await l.rndc.sync('dyn.test')).isOk();
  const dir = join(l.named.dir, 'zones');
  let found = '';
  await until(
    async () => {
      for (const name of await readdir(dir)) {
        if (!name.startsWith('tmp-')) continue;
        const read = await readZoneFileSerial(join(dir, name), { origin: 'dyn.test' });
        if (read.isOk() && read.value.serial === served) {
          found = name;
          return true;
        }
      }
      return false;
    },
    15_000,
    `a tmp file with serial ${served}`,
  );
  return found;
}

describe('dumps fail at rename() (sticky directory): the tmp file is copied, never moved', () => {
  it('recover copies the newest tmp file with the served serial; checkzone and serial prove it; the zone file is untouched', async () => {
    const l = await lab(stickyZonesDir());
    try {
      const zoneFile = join(l.named.dir, 'zones/dyn.test.db');
      await l.add('a1');
      await tmpWithServedSerial(l);
      await l.add('a2');
      const tmp = await tmpWithServedSerial(l);
      const served = await l.served();
      const before = await fingerprint(zoneFile);
      const fileSerial = (await readZoneFileSerial(zoneFile, { origin: 'dyn.test' })).unwrap()
        .serial;
      expect(fileSerial).toBeLessThan(served);

      const run = await cli(l, ['recover', 'dyn.test', '--checkzone', l.checkzone]);
      expect(run.code, run.err).toBe(0);
      const out = join(l.named.dir, `dyn.test.recovered-${served}.zone`);
      expect(run.out).toContain(`recovered dyn.test serial ${served} to ${out}`);
      expect(run.out).toContain(`copy of ${join(l.named.dir, 'zones', tmp)}`);
      expect(run.out).toMatch(/named-checkzone: passed/);
      expect(run.out).toMatch(/rndc freeze dyn\.test.*cp .*rndc thaw dyn\.test/);
      expect(run.out).toContain('rndc-js sync dyn.test --verify');

      // The proof, checked independently: serial, the same version's named-checkzone, content.
      expect((await readZoneFileSerial(out, { origin: 'dyn.test' })).unwrap().serial).toBe(served);
      const check = await runBinary(l.checkzone, ['dyn.test', out]);
      expect(check.exitCode, check.stdout).toBe(0);
      expect(check.stdout).toContain(`loaded serial ${served}`);
      expect(recordSet(await readFile(out, 'utf8'))).toEqual(
        recordSet(await readFile(join(l.named.dir, 'zones', tmp), 'utf8')),
      );
      expect(await readFile(out, 'utf8')).toMatch(/^a2(\.dyn\.test\.)?\s/m);
      // Copied, not moved; the zone file not written.
      expect((await stat(join(l.named.dir, 'zones', tmp))).isFile()).toBe(true);
      expect(await fingerprint(zoneFile)).toEqual(before);

      // A second run never overwrites the first copy.
      const again = await cli(l, ['recover', 'dyn.test', '--checkzone', l.checkzone]);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/already exists: nothing was written/);
    } finally {
      await l.close();
    }
  });

  it('--from axfr in the same layout: the same record set as dig AXFR of this version', async () => {
    const l = await lab(stickyZonesDir());
    try {
      await l.add('b1');
      await l.add('b2');
      const served = await l.served();
      const out = join(scratch, 'sticky-axfr.zone');
      const run = await cli(l, [
        'recover',
        'dyn.test',
        '--from',
        'axfr',
        '--dns-port',
        String(l.named.dnsPort),
        '--out',
        out,
        '--checkzone',
        l.checkzone,
        '--json',
      ]);
      expect(run.code, run.out).toBe(0);
      const doc = JSON.parse(run.out);
      expect(doc).toMatchObject({
        ok: true,
        path: out,
        serial: served,
        servedSerial: served,
        source: { kind: 'axfr', signed: false },
        checkzone: { verdict: 'passed', serial: served },
      });
      // dig prints the closing SOA too: drop duplicates on both sides.
      expect(recordSet(await readFile(out, 'utf8'))).toEqual(recordSet(await digAxfr(l)));
    } finally {
      await l.close();
    }
  });
});

describe('dumps fail at open() (read-only zone directory, journal elsewhere): AXFR', () => {
  it('auto falls back to AXFR (no tmp file exists); --from tmp says there is none', async () => {
    const l = await lab(readOnlyZonesDir());
    try {
      const zoneFile = join(l.named.dir, 'zones/dyn.test.db');
      await l.add('c1');
      await l.add('c2');
      (await l.rndc.sync('dyn.test')).isOk(); // 9.20 answers the failure, 9.16/9.18 success
      const served = await l.served();
      const before = await fingerprint(zoneFile);

      const none = await cli(l, ['recover', 'dyn.test', '--from', 'tmp']);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/no tmp-\* file in .* holds serial/);
      expect(none.err).toContain('--from axfr');

      const run = await cli(l, [
        'recover',
        'dyn.test',
        '--dns-port',
        String(l.named.dnsPort),
        '--checkzone',
        l.checkzone,
      ]);
      expect(run.code, run.err).toBe(0);
      expect(run.out).toMatch(
        /source: +AXFR from 127\.0\.0\.1#\d+: \d+ records in 1 message\(s\), unsigned/,
      );
      const out = join(l.named.dir, `dyn.test.recovered-${served}.zone`);
      expect((await readZoneFileSerial(out, { origin: 'dyn.test' })).unwrap().serial).toBe(served);
      const check = await runBinary(l.checkzone, ['dyn.test', out]);
      expect(check.exitCode, check.stdout).toBe(0);
      expect(recordSet(await readFile(out, 'utf8'))).toEqual(recordSet(await digAxfr(l)));
      expect(await readFile(out, 'utf8')).toMatch(
        /^c2\.dyn\.test\.\s+300\s+IN\s+A\s+192\.0\.2\.77$/m,
      );
      expect(await fingerprint(zoneFile)).toEqual(before);
    } finally {
      await l.close();
    }
  });

  it('the output path may not be the zone file, its journal or a tmp-* name; nothing is touched', async () => {
    const l = await lab(readOnlyZonesDir());
    try {
      const zoneFile = join(l.named.dir, 'zones/dyn.test.db');
      await l.add('d1');
      const before = await fingerprint(zoneFile);
      for (const [out, what] of [
        [zoneFile, 'the zone file'],
        [join(l.named.dir, 'zones/../zones/dyn.test.db'), 'the zone file'],
        [join(l.named.dir, 'jnl/dyn.test.db.jnl'), "the zone's journal"],
        [join(scratch, 'tmp-abcdefghij'), 'a tmp-\\* name'],
      ] as const) {
        const run = await cli(l, [
          'recover',
          'dyn.test',
          '--from',
          'axfr',
          '--dns-port',
          String(l.named.dnsPort),
          '--journal',
          join(l.named.dir, 'jnl/dyn.test.db.jnl'),
          '--out',
          out,
        ]);
        expect(run.code).toBe(1);
        expect(run.err).toMatch(new RegExp(what));
      }
      expect(await fingerprint(zoneFile)).toEqual(before);
    } finally {
      await l.close();
    }
  });
});

describe('transfers refused, and allowed with a key', () => {
  it('REFUSED (allow-transfer { none; }) gives the allow-transfer remedy and leaves no file', async () => {
    const l = await lab({
      zones: [{ name: 'dyn.test', kind: 'dynamic', options: 'allow-transfer { none; };' }],
    });
    try {
      const out = join(scratch, 'refused.zone');
      const run = await cli(l, [
        'recover',
        'dyn.test',
        '--from',
        'axfr',
        '--dns-port',
        String(l.named.dnsPort),
        '--out',
        out,
      ]);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/refused the transfer of dyn\.test\. \(REFUSED\)/);
      expect(run.err).toMatch(
        /BIND 9\.20 refuses outgoing transfers unless allow-transfer allows them/,
      );
      expect(run.err).toMatch(/allow-transfer \{ 127\.0\.0\.1; ::1; \}/);
      await expect(stat(out)).rejects.toThrow(/ENOENT/);

      // The real executable: exit status 1 and one JSON document naming the failure.
      const proc = await runBinary(process.execPath, [
        ...CLI_FROM_SOURCE,
        '-c',
        l.conf,
        '--json',
        'recover',
        'dyn.test',
        '--from',
        'axfr',
        '--dns-port',
        String(l.named.dnsPort),
        '--out',
        out,
      ]);
      expect(proc.exitCode, proc.stderr).toBe(1);
      expect(JSON.parse(proc.stdout)).toMatchObject({
        ok: false,
        command: 'recover',
        path: null,
        error: { kind: 'transfer-failed', message: expect.stringContaining('(REFUSED)') },
      });
      await expect(stat(out)).rejects.toThrow(/ENOENT/);
    } finally {
      await l.close();
    }
  });

  it("named's own default: 9.20 refuses a transfer no allow-transfer allows, 9.16 and 9.18 allow it", async () => {
    const l = await lab({
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      // Remove the test helper's allow-transfer: named's built-in default decides.
      beforeStart: async ({ configFile }) => {
        const text = await readFile(configFile, 'utf8');
        await writeFile(configFile, text.replace(/^\s*allow-transfer \{ 127\.0\.0\.1; \};\n/m, ''));
      },
    });
    try {
      expect(await readFile(l.named.configFile, 'utf8')).not.toContain('allow-transfer');
      const result = await recoverZone({
        rndc: l.rndc,
        zone: 'dyn.test',
        source: 'axfr',
        transfer: { port: l.named.dnsPort },
        output: join(scratch, `default-${l.named.bindVersion}.zone`),
        checkzone: l.checkzone,
      });
      if (l.named.bindVersion === '9.20') {
        expect(result.isErr() && result.error.kind).toBe('transfer-failed');
        expect(result.isErr() && (result.error.cause as { kind: string }).kind).toBe('refused');
      } else {
        expect(result.isOk() && result.value.source.kind).toBe('axfr');
      }
    } finally {
      await l.close();
    }
  });

  it('allow-transfer { key … }: unsigned is REFUSED, -k keyfile transfers with every message verified', async () => {
    const bulk = Array.from({ length: 2500 }, (_, i) => `h${i} 300 TXT "${'x'.repeat(40)}"`);
    const l = await lab({
      zones: [
        {
          name: 'dyn.test',
          kind: 'dynamic',
          records: bulk,
          options: 'allow-transfer { key "rndc-sha384"; };',
        },
      ],
    });
    try {
      const k = l.named.keys['hmac-sha384'];
      const keyFile = join(scratch, 'xfr.key');
      await writeFile(
        keyFile,
        `key "${k.name}" {\n\talgorithm hmac-sha384;\n\tsecret "${k.secretBytes().toString('base64')}";\n};\n`,
        { mode: 0o600 },
      );
      const port = ['--dns-port', String(l.named.dnsPort)];
      const unsigned = await cli(l, [
        'recover',
        'dyn.test',
        '--from',
        'axfr',
        ...port,
        '--out',
        join(scratch, 'u.zone'),
      ]);
      expect(unsigned.code).toBe(1);
      expect(unsigned.err).toContain('REFUSED');

      const out = join(scratch, 'signed.zone');
      const run = await cli(l, [
        'recover',
        'dyn.test',
        '--from',
        'axfr',
        ...port,
        '-k',
        keyFile,
        '--out',
        out,
        '--checkzone',
        l.checkzone,
      ]);
      expect(run.code, run.err).toBe(0);
      // Large enough for several messages: each one's MAC chains from the previous.
      expect(run.out).toMatch(
        /AXFR from 127\.0\.0\.1#\d+: 250\d records in ([2-9]|\d\d+) message\(s\), every message TSIG-verified/,
      );
      expect(recordSet(await readFile(out, 'utf8'))).toEqual(
        recordSet(
          await digAxfr(l, ['-y', `hmac-sha384:${k.name}:${k.secretBytes().toString('base64')}`]),
        ),
      );
    } finally {
      await l.close();
    }
  });
});

describe('inline signing', () => {
  it('the AXFR copy is the signed zone: its serial is the signed serial, named-checkzone accepts it', async () => {
    const l = await lab({ zones: [{ name: 'dyn.test', kind: 'inline-signing' }] });
    try {
      let signed: number | undefined;
      await until(
        async () => {
          const status = (await l.rndc.zonestatus('dyn.test')).unwrap();
          signed = status.signedSerial;
          if (signed === undefined) return false;
          // Signed once the apex has its RRSIGs.
          return (await digAxfr(l)).includes('RRSIG');
        },
        20_000,
        'dyn.test signed',
      );
      const result = await recoverZone({
        rndc: l.rndc,
        zone: 'dyn.test',
        source: 'axfr',
        transfer: { port: l.named.dnsPort },
        output: join(scratch, `signed-${l.named.bindVersion}.zone`),
        checkzone: l.checkzone,
      });
      const r = result.unwrap();
      const status = (await l.rndc.zonestatus('dyn.test')).unwrap();
      expect(r.serial).toBe(status.signedSerial);
      expect(r.servedSerial).toBe(status.signedSerial);
      expect(r.checkzone.verdict).toBe('passed');
      const text = await readFile(r.path, 'utf8');
      expect(text).toMatch(/\sRRSIG\s/);
      // DNSSEC RDATA is written in the RFC 3597 form; BIND's own compiler puts both in one form.
      const digFile = join(scratch, `dig-signed-${l.named.bindVersion}.zone`);
      await writeFile(digFile, await digAxfr(l));
      expect(await canonical(l, r.path)).toEqual(await canonical(l, digFile));
    } finally {
      await l.close();
    }
  });
});

// named -u nobody needs root; say so instead of a silent pass elsewhere.
it('runs as root (named -u nobody)', () => {
  expect(process.getuid?.(), 'these tests start named -u nobody: run them as root').toBe(0);
  expect(NOBODY).toBe(65534);
});
