// A temp file that stopped growing while the zone file stayed old means named's rename failed
// (§4.1 item 3). Since verification wakes on changes to the zone file's name (issue 17), looks
// can come every few milliseconds: the rule is "the same size for 3 looks AND 3 poll intervals",
// so a dump still being written is never called abandoned because looks came fast.
import {
  appendFileSync,
  mkdtempSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZoneStatus } from '../../src/control/parse.js';
import { verifyZoneWritten, type ZoneStatusSource } from '../../src/dump/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'verify-tmp-growing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const soa = (serial: number) => `@ 300 IN SOA ns hostmaster ${serial} 3600 600 86400 300\n`;

describe('a temp file still growing under fast looks', () => {
  it('is not called an abandoned dump; the rename that follows proves the write', async () => {
    const zoneFile = join(dir, 'slow.test.db');
    writeFileSync(zoneFile, soa(5));
    const tmp = join(dir, 'tmp-SLOWDUMP01');
    let looks = 0;
    const rndc: ZoneStatusSource = {
      zonestatus: () => {
        looks++;
        return Promise.resolve(Ok({ files: [zoneFile], serial: 6 } as ZoneStatus));
      },
      status: () => Promise.resolve(Ok({}) as never),
    };
    const pollMs = 300;
    let done = false;
    // named writing a big zone slowly: the temp file grows now and then, while something keeps
    // touching the zone file's name (each touch wakes the check: looks far faster than polls).
    const writer = (async () => {
      writeFileSync(tmp, soa(6));
      let grown = 0;
      while (!done) {
        utimesSync(zoneFile, new Date(), new Date());
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (++grown % 25 === 0) appendFileSync(tmp, `h${grown} 300 IN A 192.0.2.1\n`);
        // Enough looks happened that a count-only rule (3 looks) would have judged many times.
        if (looks >= 60) break;
      }
      renameSync(tmp, zoneFile);
    })();
    const checked = await verifyZoneWritten({
      rndc,
      zone: 'slow.test',
      zoneFile,
      pollMs,
      timeoutMs: 20_000,
      diagnose: false,
      since: new Date(Date.now() - 1000),
    });
    done = true;
    await writer;
    const evidence = checked.unwrap();
    expect(evidence.verdict, evidence.summary).toBe('written');
    expect(evidence.fileSerialAfter).toBe(6);
    expect(looks).toBeGreaterThanOrEqual(10);
  });
});
