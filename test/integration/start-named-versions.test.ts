// startNamed({ version }) on every BIND this project supports, side by side on one machine
// (scripts/bind-versions.sh unpacks them under /opt/bind/<version>): the named started is the one
// asked for (named -v, its startup log, rndc status and instance.bindVersion agree), the same
// version's tools are used, zone transfers to 127.0.0.1 work (9.20 refuses them unless allowed),
// and a binary that reports another version is refused before it is started.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BindVersion,
  bindVersionBinDir,
  findBinary,
  installedBindVersions,
  type NamedInstance,
  NamedStartError,
  namedVersion,
  runBinary,
  runRndcBinary,
  SUPPORTED_BIND_VERSIONS,
  startNamed,
} from '../../src/testing/index.js';

const installed = installedBindVersions();

/** AXFR of dyn.test with this version's dig; the records, or dig's failure line. */
async function axfr(named: NamedInstance, version: BindVersion) {
  const dig = findBinary('dig', { version });
  expect(dig, `dig of BIND ${version}`).toBeDefined();
  const run = await runBinary(dig ?? 'dig', [
    '@127.0.0.1',
    '-p',
    String(named.dnsPort),
    '+tcp',
    '+norec',
    '+time=5',
    '+tries=1',
    'dyn.test.',
    'AXFR',
  ]);
  const records = run.stdout.split('\n').filter((line) => line !== '' && !line.startsWith(';'));
  return { run, records, soas: records.filter((line) => /\sSOA\s/.test(line)).length };
}

describe.each(SUPPORTED_BIND_VERSIONS)('startNamed({ version: %s })', (version) => {
  const missing = !installed.includes(version);
  if (missing) {
    console.log(
      `skipped: BIND ${version} is not unpacked under ${bindVersionBinDir(version)} (run scripts/bind-versions.sh)`,
    );
  }
  let named: NamedInstance;

  beforeAll(async () => {
    if (missing) return;
    named = await startNamed({ version });
  });

  afterAll(async () => {
    await named?.stop();
  });

  it.skipIf(missing)(
    'starts that version: named -v, the startup log, rndc status and bindVersion agree',
    async () => {
      expect(named.bindVersion).toBe(version);
      expect(named.command[0]).toBe(join(bindVersionBinDir(version), 'named'));
      const reported = await namedVersion(named.command[0] ?? '');
      expect(reported.line).toBe(version);
      // `BIND 9.20.23-1~deb13u1~bpo12+1-Debian (Stable Release) <id:>` → `9.20.23-1~deb13u1~bpo12+1-Debian`
      const full = /^BIND (\S+)/.exec(reported.text)?.[1];
      expect(full?.startsWith(`${version}.`)).toBe(true);
      expect(named.version).toBe(full);
      // The same version's rndc asks the running named.
      const status = await runRndcBinary(named, ['status']);
      expect(status.exitCode, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/^server is up and running$/m);
      expect(status.stdout.split('\n')).toContain(`version: ${reported.text}`);
    },
  );

  it.skipIf(missing)('the same version’s tools are found first', async () => {
    for (const tool of ['rndc', 'nsupdate', 'dig', 'named-checkzone']) {
      expect(findBinary(tool, { version })).toBe(join(bindVersionBinDir(version), tool));
    }
    const nsupdate = await runBinary(findBinary('nsupdate', { version }) ?? 'nsupdate', ['-V']);
    expect(`${nsupdate.stdout}${nsupdate.stderr}`).toMatch(new RegExp(`^nsupdate ${version}\\.`));
  });

  it.skipIf(missing)('AXFR from 127.0.0.1 is allowed (startNamed configures it)', async () => {
    const { run, soas, records } = await axfr(named, version);
    expect(run.stdout).not.toMatch(/Transfer failed/);
    // An AXFR starts and ends with the SOA; the zone has its NS and its A records in between.
    expect(soas).toBe(2);
    expect(records.length).toBeGreaterThan(2);
  });
});

/**
 * Whether a named.conf that says nothing about transfers lets 127.0.0.1 AXFR a zone: BIND 9.20
 * changed the default of allow-transfer from any to none. startNamed writes
 * `allow-transfer { 127.0.0.1; };` so that tests can read zones back on every version.
 */
const TRANSFER_BY_DEFAULT: Record<BindVersion, boolean> = {
  '9.16': true,
  '9.18': true,
  '9.20': false,
};

describe.each(SUPPORTED_BIND_VERSIONS)('without startNamed’s allow-transfer (%s)', (version) => {
  const missing = !installed.includes(version);
  let named: NamedInstance;

  beforeAll(async () => {
    if (missing) return;
    named = await startNamed({
      version,
      beforeStart: async ({ configFile }) => {
        const conf = await readFile(configFile, 'utf8');
        const without = conf.replace(/^\s*allow-transfer \{ 127\.0\.0\.1; \};\n/m, '');
        expect(without).not.toBe(conf);
        await writeFile(configFile, without);
      },
    });
  });

  afterAll(async () => {
    await named?.stop();
  });

  it.skipIf(missing)(
    `${TRANSFER_BY_DEFAULT[version] ? 'the zone transfers anyway' : 'the transfer is refused'} (BIND ${version}'s default)`,
    async () => {
      const { run, soas } = await axfr(named, version);
      if (TRANSFER_BY_DEFAULT[version]) {
        expect(soas).toBe(2);
      } else {
        expect(soas).toBe(0);
        expect(run.stdout).toMatch(/Transfer failed/);
      }
    },
  );
});

describe('a binary that reports another version is not started', () => {
  let root: string;
  const saved = process.env.RNDC_BIND_ROOT;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rndc-bind-root-'));
    const bin = join(root, '9.20', 'bin');
    await mkdir(bin, { recursive: true });
    const marker = join(root, 'started');
    // Answers -v like BIND 9.18.0 would; anything else would leave a marker behind.
    await writeFile(
      join(bin, 'named'),
      `#!/bin/sh\nif [ "$1" = -v ]; then echo 'BIND 9.18.0 (Extended Support Version) <id:>'; exit 0; fi\ntouch '${marker}'\nexit 1\n`,
    );
    await chmod(join(bin, 'named'), 0o755);
    process.env.RNDC_BIND_ROOT = root;
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.RNDC_BIND_ROOT;
    else process.env.RNDC_BIND_ROOT = saved;
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('version 9.20 asked, the 9.20 wrapper says 9.18.0 → wrong-version, nothing run but -v', async () => {
    expect(findBinary('named', { version: '9.20' })).toBe(join(root, '9.20', 'bin', 'named'));
    const error = await startNamed({ version: '9.20' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NamedStartError);
    expect(error).toMatchObject({ kind: 'wrong-version' });
    const message = (error as NamedStartError).message;
    expect(message).toContain('BIND 9.20 was asked for');
    expect(message).toContain(join(root, '9.20', 'bin', 'named'));
    expect(message).toContain('BIND 9.18.0');
    expect((error as NamedStartError).remedy).toMatch(/scripts\/bind-versions\.sh/);
    await expect(readFile(join(root, 'started'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
