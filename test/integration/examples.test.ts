// Every example in examples/ runs to completion against a throwaway named.
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runBinary } from '../../src/testing/index.js';

const examples = readdirSync('examples').filter((name) => name.endsWith('.ts'));

it('there are examples', () => {
  expect(examples).toContain('demo.ts');
});

it.each(examples)('examples/%s runs', async (name) => {
  const run = await runBinary(process.execPath, ['--import', 'tsx', `examples/${name}`], {
    timeoutMs: 60_000,
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  if (name === 'demo.ts') {
    expect(run.stdout).toMatch(/version +BIND 9\.18/);
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
  if (name === 'from-config.ts') {
    const ours = /RndcClient serial +(\d+)/.exec(run.stdout)?.[1];
    const theirs = /rndc serial +(\d+)/.exec(run.stdout)?.[1];
    expect(ours).toBe('2024010101');
    expect(theirs).toBe(ours);
  }
});
