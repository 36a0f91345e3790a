// rndc status text is parsed line by line with regular expressions; two of them backtracked
// quadratically (a 192 KB `running on` line ending in a CR: 10 s; a 640 KB version value of
// ` <id:a> (` runs: 47 s). Linear now: the time grows with the size, not its square.
import { describe, expect, it } from 'vitest';
import { parseServerStatus } from '../../src/control/parse.js';
import { repeatTo, scaling } from '../helpers/linear.js';

describe('parseServerStatus runs in linear time on adversarial lines (issue 10, item 8)', () => {
  const shapes: [string, (size: number) => string][] = [
    ['running on, many ": " and a CR inside', (n) => `running on ${repeatTo('a: ', n)}\rx\n`],
    ['version, many " <id:a> ("', (n) => `version: ${repeatTo('x <id:a> (', n)}x\n`],
  ];
  for (const [name, make] of shapes) {
    it(`${name}: 256 KiB costs at most 4× the linear share of 16 KiB`, () => {
      const s = scaling(make, (text) => parseServerStatus(text), 16 * 1024, 256 * 1024);
      expect(s.timeRatio, JSON.stringify(s)).toBeLessThanOrEqual(4 * s.sizeRatio);
    }, 120_000);
  }

  it('still reads the lines named writes', () => {
    const status = parseServerStatus(
      [
        'version: BIND 9.18.28-1~deb12u2-Debian (Extended Support Version) <id:> (custom)',
        'running on localhost: Linux x86_64 6.1.0-18-amd64 #1 SMP',
      ].join('\n'),
    );
    expect(status).toMatchObject({
      version: 'BIND 9.18.28-1~deb12u2-Debian (Extended Support Version)',
      versionNumber: '9.18.28',
      sourceId: '',
      versionOverride: 'custom',
      hostname: 'localhost',
      runningOn: 'Linux x86_64 6.1.0-18-amd64 #1 SMP',
    });
  });
});
