// Every example in examples/ runs to completion against a throwaway named.
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runBinary, selectedBindVersion } from '../../src/testing/index.js';

const examples = readdirSync('examples').filter((name) => name.endsWith('.ts'));

it('there are examples', () => {
  expect(examples).toContain('demo.ts');
});

it("README's tour is examples/tour.ts verbatim", () => {
  const between = (text: string) => /\/\/ tour:start\n[\s\S]*?\/\/ tour:end\n/.exec(text)?.[0];
  const tour = between(readFileSync('examples/tour.ts', 'utf8'));
  expect(tour).toBeDefined();
  expect(between(readFileSync('README.md', 'utf8'))).toBe(tour);
});

it('examples/README.md describes every example', () => {
  const readme = readFileSync('examples/README.md', 'utf8');
  for (const name of examples) expect(readme).toContain(name);
});

it.each(examples)('examples/%s runs', async (name) => {
  const run = await runBinary(process.execPath, ['--import', 'tsx', `examples/${name}`], {
    timeoutMs: 60_000,
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  if (name === 'demo.ts') {
    // The BIND under test (RNDC_BIND_VERSION; the machine's own 9.18 without it).
    const release = (selectedBindVersion() ?? '9.18').replace('.', '\\.');
    expect(run.stdout).toMatch(new RegExp(`version +BIND ${release}\\.`));
    expect(run.stdout).toMatch(
      /update demo\.dyn\.test → journal written; zone file expected between/,
    );
    expect(run.stdout).toMatch(
      /freeze dyn\.test → written: .* now holds serial \d+, the serial named serves/,
    );
    expect(run.stdout).toMatch(/frozen now +true/);
    expect(run.stdout).toMatch(/freeze again +→ error kind 'already-frozen'/);
    expect(run.stdout).toMatch(/frozen now +false/);
    expect(run.stdout).toMatch(/'not-found': no matching zone 'no-such.zone' in any view/);
  }
  if (name === 'update.ts') {
    expect(run.stdout).toMatch(/add api +→ ok over udp, reply signed: true/);
    expect(run.stdout).toMatch(/add api again +→ 'YXDOMAIN'/);
    expect(run.stdout).toMatch(/nsupdate script → exit 0, 1 update\(s\) sent/);
    expect(run.stdout).toMatch(/warning: .*7/);
  }
  if (name === 'verify-dump.ts') {
    expect(run.stdout).toMatch(
      /== healthy zone[\s\S]*rndc sync dyn\.test → exit 0[\s\S]*verifyZoneWritten → (written|nothing-pending)[\s\S]*rndc\.sync\(verify\) → written/,
    );
    // Where mount namespaces work, the subPath case must fail at rename with the mount-point finding.
    if (!run.stdout.includes('needs mount namespaces')) {
      expect(run.stdout).toMatch(/subPath\)[\s\S]*verifyZoneWritten → failed/);
      expect(run.stdout).toMatch(/rndc\.sync\(verify\) → failed at step 'rename'/);
      expect(run.stdout).toMatch(/finding: zone-file-mount-point/);
    }
  }
  if (name === 'connect-status.ts') {
    const series = selectedBindVersion() ?? '9.18';
    expect(run.stdout).toMatch(new RegExp(`^status: BIND ${series.replace('.', '\\.')}\\.`, 'm'));
    // serverVersion() answers from what that status taught the connection.
    expect(run.stdout).toMatch(
      new RegExp(
        `^server version: ${series.replace('.', '\\.')} \\(${series.replace('.', '\\.')}\\.\\d+\\)$`,
        'm',
      ),
    );
    expect(run.stdout).toMatch(/zonestatus dyn\.test: type primary, serial \d+, dynamic true/);
    expect(run.stdout).toMatch(/zonestatus static\.test: type primary, serial \d+, dynamic false/);
    expect(run.stdout).toMatch(/zonestatus nowhere\.test: error kind 'not-found'/);
    expect(run.stdout).toMatch(/status with a wrong secret: error kind 'rejected'/);
    expect(run.stdout).toMatch(/^closed$/m);
  }
  if (name === 'records-with-prerequisites.ts') {
    const step = (label: string) =>
      new RegExp(`^${label.replace(/[()[\]+.]/g, '\\$&')} +→ (.*)$`, 'm').exec(run.stdout)?.[1];
    expect(step('absent(shop) + add shop A')).toBe('ok');
    expect(step('absent(shop) + add shop A, again')).toMatch(/^'YXDOMAIN'/);
    expect(step('absent(shop, AAAA) + add shop AAAA')).toBe('ok');
    expect(step('absent(shop, AAAA) + add shop AAAA, again')).toMatch(/^'YXRRSET'/);
    expect(step('present(mail) + add mail A')).toMatch(/^'NXDOMAIN'/);
    expect(step('present(shop, MX) + delete shop MX')).toMatch(/^'NXRRSET'/);
    expect(step('present([shop A 192.0.2.1]) + replace with .10')).toBe('ok');
    expect(step('present([shop A 192.0.2.1]) + replace, again')).toMatch(/^'NXRRSET'/);
    // Failed prerequisites changed nothing; the successful ones did.
    expect(run.stdout).toMatch(/^shop A now +192\.0\.2\.10$/m);
    expect(run.stdout).toMatch(/^shop AAAA now +2001:db8::1$/m);
    expect(run.stdout).toMatch(/^mail A now +\(none\)$/m);
    expect(step('present(shop, AAAA) + delete that record')).toBe('ok');
    expect(step('deleteName(shop)')).toBe('ok');
    expect(run.stdout).toMatch(/shop A now +\(none\)\s*$/);
  }
  if (name === 'verified-sync.ts') {
    const before = /serial in the file before: +(\d+)/.exec(run.stdout)?.[1];
    const served = /serial named serves now: +(\d+)/.exec(run.stdout)?.[1];
    expect(Number(served)).toBe(Number(before) + 1);
    expect(run.stdout).toMatch(new RegExp(`serial in the file now: +${before} `));
    expect(run.stdout).toMatch(/update → journal written; zone file expected between/);
    expect(run.stdout).toMatch(
      /sync\(verify\) → written\n.* now holds serial \d+, the serial named serves/,
    );
    expect(run.stdout).toMatch(new RegExp(`file serial ${before} → ${served}, served ${served}`));
    expect(run.stdout).toMatch(/mtime changed: true/);
    expect(run.stdout).toMatch(new RegExp(`serial in the file after: +${served}$`, 'm'));
    expect(run.stdout).toMatch(/sync\(verify\) again → nothing-pending/);
  }
  if (name === 'doctor.ts') {
    expect(run.stdout).toMatch(/== healthy zone\nupdate → ok\n[\s\S]*findings: none/);
    expect(run.stdout).toMatch(
      /== zones directory not writable for named\nupdate → 'SERVFAIL'[\s\S]*error: zone-dir-not-writable: /,
    );
    expect(run.stdout).toMatch(/remedy: .*named/);
  }
  if (name === 'own-tests.ts') {
    expect(run.stdout).toMatch(/^# pass 3$/m);
    expect(run.stdout).toMatch(/^# fail 0$/m);
  }
  if (name === 'tour.ts') {
    const release = (selectedBindVersion() ?? '9.18').replace('.', '\\.');
    expect(run.stdout).toMatch(new RegExp(`^BIND ${release}\\..*: \\d+ zones$`, 'm'));
    expect(run.stdout).toMatch(/^dyn\.test serial \d+$/m);
    expect(run.stdout).toMatch(/^journal written; zone file expected between/m);
    expect(run.stdout).toMatch(/now holds serial \d+, the serial named serves/);
    expect(run.stdout).toMatch(/^0 problem\(s\)$/m);
  }
  if (name === 'from-config.ts') {
    const ours = /RndcClient serial +(\d+)/.exec(run.stdout)?.[1];
    const theirs = /rndc serial +(\d+)/.exec(run.stdout)?.[1];
    expect(ours).toBe('2024010101');
    expect(theirs).toBe(ours);
  }
});
