// recoverZone() against hostile zone directories, with a stand-in for rndc zonestatus: planted
// tmp-* files (a symbolic link, a FIFO, a wrong serial) are never copied, the newest tmp file
// with the served serial is, and the output is never written through a planted link or over
// named's files. An untrusted named-checkzone is never run.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ZoneStatusSource } from '../../src/dump/verify.js';
import { recoverZone } from '../../src/recover/recover.js';

let dir: string;
let zones: string;
let zoneFile: string;
let out: string;
let served = 5;

const rndc: ZoneStatusSource = {
  zonestatus: async () =>
    Ok({ files: ['zones/z.test.db'], serial: served, truncated: false, extra: {}, raw: '' }),
  status: async () => {
    throw new Error('not used: the zone file is given');
  },
};

function zoneText(serial: number, extra = ''): string {
  return `$ORIGIN z.test.\n$TTL 300\n@ IN SOA ns hostmaster ${serial} 3600 600 86400 300\n@ IN NS ns\nns IN A 192.0.2.1\n${extra}`;
}

beforeEach(async () => {
  served = 5;
  dir = await mkdtemp(join(tmpdir(), 'recover-unit-'));
  zones = join(dir, 'zones');
  out = join(dir, 'out');
  await mkdir(zones);
  await mkdir(out);
  zoneFile = join(zones, 'z.test.db');
  await writeFile(zoneFile, zoneText(1));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = () => ({
  rndc,
  zone: 'z.test',
  zoneFile,
  outDir: out,
  source: 'tmp' as const,
  checkzone: false as const,
});

it('copies the newest tmp file with the served serial, skipping a newer one with another serial', async () => {
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), zoneText(5, 'old IN A 192.0.2.2\n'));
  await writeFile(join(zones, 'tmp-bbbbbbbbbb'), zoneText(5, 'new IN A 192.0.2.3\n'));
  await writeFile(join(zones, 'tmp-cccccccccc'), zoneText(4));
  const now = Date.now() / 1000;
  await utimes(join(zones, 'tmp-aaaaaaaaaa'), now - 300, now - 300);
  await utimes(join(zones, 'tmp-bbbbbbbbbb'), now - 200, now - 200);
  await utimes(join(zones, 'tmp-cccccccccc'), now - 100, now - 100);
  const r = (await recoverZone(base())).unwrap();
  expect(r.source).toMatchObject({ kind: 'tmp', file: join(zones, 'tmp-bbbbbbbbbb') });
  expect(r.path).toBe(join(out, 'z.test.recovered-5.zone'));
  expect(await readFile(r.path, 'utf8')).toContain('new IN A');
  expect(r.skipped).toEqual(['tmp-cccccccccc: serial 4, not 5']);
  expect(r.zoneFileSerial).toBe(1);
  // copied, not moved; the zone file untouched
  expect(existsSync(join(zones, 'tmp-bbbbbbbbbb'))).toBe(true);
  expect(await readFile(zoneFile, 'utf8')).toBe(zoneText(1));
  expect(r.nextSteps.join('\n')).toMatch(
    /rndc freeze z\.test.*cp .*z\.test\.db.*rndc thaw z\.test/,
  );
});

it('a symbolic link or a FIFO named tmp-* is never opened or copied', async () => {
  const secret = join(dir, 'elsewhere.db');
  await writeFile(secret, zoneText(5, 'planted IN A 192.0.2.66\n'));
  await symlink(secret, join(zones, 'tmp-link000000'));
  await symlink(secret, join(zones, 'tmp-linkaaaaaa'));
  execFileSync('mkfifo', [join(zones, 'tmp-fifoaaaaaa')]);
  const r = await recoverZone(base());
  expect(r.unwrapErr().kind).toBe('no-tmp-file');
  expect(r.unwrapErr().message).toContain('tmp-linkaaaaaa: not a regular file');
  expect(r.unwrapErr().message).toContain('tmp-fifoaaaaaa: not a regular file');
  expect(existsSync(join(out, 'z.test.recovered-5.zone'))).toBe(false);
});

it('a link planted at the output path is not followed (O_EXCL): its target is untouched', async () => {
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), zoneText(5));
  const victim = join(dir, 'victim');
  await writeFile(victim, 'precious');
  await symlink(victim, join(out, 'z.test.recovered-5.zone'));
  const r = await recoverZone(base());
  expect(r.unwrapErr().kind).toBe('output-exists');
  expect(await readFile(victim, 'utf8')).toBe('precious');
});

it('the zone file through another path (a linked directory) is refused as output', async () => {
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), zoneText(5));
  await symlink(zones, join(dir, 'alias'));
  const r = await recoverZone({ ...base(), output: join(dir, 'alias', 'z.test.db') });
  expect(r.unwrapErr().kind).toBe('output-refused');
  expect(r.unwrapErr().message).toContain('is the zone file');
  expect(await readFile(zoneFile, 'utf8')).toBe(zoneText(1));
  const journal = await recoverZone({ ...base(), output: `${zoneFile}.jnl` });
  expect(journal.unwrapErr().message).toContain("is the zone's journal");
});

it('an untrusted named-checkzone (in a world-writable directory) is not run', async () => {
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), zoneText(5));
  const bin = join(dir, 'bin');
  await mkdir(bin);
  await chmod(bin, 0o777);
  const marker = join(dir, 'ran');
  const fake = join(bin, 'named-checkzone');
  await writeFile(fake, `#!/bin/sh\ntouch ${marker}\nexit 0\n`, { mode: 0o755 });
  const r = (await recoverZone({ ...base(), checkzone: fake })).unwrap();
  expect(r.checkzone.verdict).toBe('not-run');
  expect(r.checkzone.verdict === 'not-run' && r.checkzone.reason).toMatch(/is not trusted/);
  expect(existsSync(marker)).toBe(false);
});

it("the host's named-checkzone refuses a damaged tmp file: the copy is removed", async () => {
  if (!existsSync('/usr/bin/named-checkzone')) {
    expect.fail('/usr/bin/named-checkzone is not installed: this test needs BIND 9.18 utils');
  }
  // A tmp file cut off in the middle of a record (a dump that ran out of space).
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), `${zoneText(5)}www IN MX 10`);
  const r = await recoverZone({ ...base(), checkzone: '/usr/bin/named-checkzone' });
  expect(r.unwrapErr().kind).toBe('checkzone-failed');
  expect(existsSync(join(out, 'z.test.recovered-5.zone'))).toBe(false);
  await writeFile(join(zones, 'tmp-aaaaaaaaaa'), zoneText(5));
  const good = (await recoverZone({ ...base(), checkzone: '/usr/bin/named-checkzone' })).unwrap();
  expect(good.checkzone).toMatchObject({ verdict: 'passed', serial: 5 });
});

it('settles by timeoutMs while the AXFR server stalls, and keeps nothing', async () => {
  const { message, soa, startFakeAxfr } = await import('../helpers/fake-axfr.js');
  // The first message, then silence: the transfer's own timeouts are longer than the call's.
  const server = await startFakeAxfr((c) => {
    c.frame(message(c.request, 'z.test', [soa('z.test', 5)]));
  });
  try {
    const started = Date.now();
    const r = await recoverZone({
      ...base(),
      source: 'axfr',
      transfer: { port: server.port, messageTimeoutMs: 60_000 },
      timeoutMs: 800,
    });
    expect(r.unwrapErr().kind).toBe('timeout');
    expect(r.unwrapErr().message).toMatch(/did not finish within 800 ms; nothing was kept/);
    expect(Date.now() - started).toBeLessThan(3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(existsSync(join(out, 'z.test.recovered-5.zone'))).toBe(false);
  } finally {
    await server.close();
  }
});
