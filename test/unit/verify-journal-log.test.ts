// The journal part of verification, from named's log alone (no diagnosis): a file that holds the
// served serial is not enough when named logged that it cannot create or write the zone's
// journal — every UPDATE then fails. Which logged failures count: this journal's, in the
// look-back window, not followed by a journal write.
import { mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ZoneStatus } from '../../src/control/parse.js';
import type { DumpError } from '../../src/dump/errors.js';
import {
  type VerifyOptions,
  verifyZoneWritten,
  type ZoneStatusSource,
} from '../../src/dump/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'verify-journal-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const zoneFile = join(dir, 'dyn.test.db');
const journal = `${zoneFile}.jnl`;
const log = join(dir, 'named.log');
const SERIAL = 7;
const rndc: ZoneStatusSource = {
  zonestatus: () =>
    Promise.resolve(Ok({ files: [zoneFile], serial: SERIAL, dynamic: true } as ZoneStatus)),
  status: () => new Promise(() => {}),
};

/** named's two lines for one refused UPDATE, `minutesAgo` minutes ago (9.18's text). */
function refusedUpdate(minutesAgo: number, file = 'zones/dyn.test.db.jnl'): string {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return (
    `${at} general: error: ${file}: create: permission denied\n` +
    `${at} update: info: client @0x7f 127.0.0.1#5300/key k: updating zone 'dyn.test/IN': error: journal open failed: unexpected error\n`
  );
}

const verify = (options: Partial<VerifyOptions> = {}) =>
  verifyZoneWritten({ rndc, zone: 'dyn.test', log, timeoutMs: 5000, diagnose: false, ...options });

beforeEach(() => {
  writeFileSync(zoneFile, `@ 300 IN SOA ns hostmaster ${SERIAL} 3600 600 86400 300\n`);
  rmSync(journal, { force: true });
  writeFileSync(log, '');
});

/** A journal last written `minutesAgo` minutes ago (its content does not matter here). */
function journalWritten(minutesAgo: number): void {
  writeFileSync(journal, 'x');
  const at = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(journal, at, at);
}

describe('journal failures in the log fail a verification whose file is current', () => {
  it('a create failure a minute ago, no journal: failed at journal, with both lines', async () => {
    writeFileSync(log, refusedUpdate(1));
    const error = (await verify()).unwrapErr() as DumpError;
    expect(error.kind).toBe('dump-failed');
    expect(error.message).toMatch(
      /^dyn\.test cannot keep changes: named cannot create the journal/,
    );
    const evidence = error.evidence!;
    expect(evidence).toMatchObject({ verdict: 'failed', failedStep: 'journal' });
    expect(evidence.fileSerialAfter).toBe(SERIAL);
    expect(evidence.logEvents.map((e) => e.kind)).toEqual(['journal-failed', 'update-failed']);
    expect(evidence.summary).toContain('zones/dyn.test.db.jnl: create: permission denied');
    expect(error.remedy).toMatch(/send one UPDATE/);
  });

  it('with a snapshot taken before the command (sync/freeze): the window still counts', async () => {
    writeFileSync(log, refusedUpdate(2));
    const before = {
      at: new Date(),
      zoneFile,
      directory: dir,
      fileSerial: SERIAL,
      mtime: statSync(zoneFile).mtime,
      tmpFiles: new Set<string>(),
      servedSerial: SERIAL,
      journal: undefined,
      logOffset: statSync(log).size,
    };
    const error = (await verify({ before })).unwrapErr() as DumpError;
    expect(error.evidence).toMatchObject({ verdict: 'failed', failedStep: 'journal' });
  });

  it('the journal was written after the failure (fixed since): nothing pending', async () => {
    writeFileSync(log, refusedUpdate(5));
    journalWritten(1);
    expect((await verify()).unwrap().verdict).toBe('nothing-pending');
  });

  it('a journal older than the failure: named cannot write it, failed', async () => {
    writeFileSync(log, refusedUpdate(1));
    journalWritten(10);
    const error = (await verify()).unwrapErr() as DumpError;
    expect(error.evidence?.failedStep).toBe('journal');
    expect(error.evidence?.summary).toMatch(/cannot write the journal/);
  });

  it('a failure before the window (default 16 minutes, or `since`): nothing pending', async () => {
    writeFileSync(log, refusedUpdate(20));
    expect((await verify()).unwrap().verdict).toBe('nothing-pending');
    writeFileSync(log, refusedUpdate(5));
    const since = new Date(Date.now() - 60_000);
    expect((await verify({ since })).unwrap().verdict).toBe('nothing-pending');
  });

  it("another zone's journal: nothing pending", async () => {
    writeFileSync(log, refusedUpdate(1, 'zones/other.test.db.jnl'));
    expect((await verify()).unwrap().verdict).toBe('nothing-pending');
  });

  it('journalFile: failures of the configured journal count, of the default name not', async () => {
    writeFileSync(log, refusedUpdate(1));
    expect((await verify({ journalFile: 'jnl/dyn.jnl' })).unwrap().verdict).toBe('nothing-pending');
    writeFileSync(log, refusedUpdate(1, 'jnl/dyn.jnl'));
    const error = (await verify({ journalFile: 'jnl/dyn.jnl' })).unwrapErr() as DumpError;
    expect(error.evidence?.summary).toContain(
      `cannot create the journal ${join(dir, 'jnl/dyn.jnl')}`,
    );
  });

  it('without a log and without the diagnosis there is no evidence: nothing pending', async () => {
    writeFileSync(log, refusedUpdate(1));
    const blind = await verifyZoneWritten({ rndc, zone: 'dyn.test', diagnose: false });
    expect(blind.unwrap().verdict).toBe('nothing-pending');
  });
});
