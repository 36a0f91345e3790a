// BIND 9.20 answers sync/freeze with a failure when the dump's temp file cannot be created (it
// opens the file before answering); 9.16 and 9.18 answer success. refusedFlush() tells such an
// answer from the failures that say nothing about the zone file, and verifyZoneWritten() with
// `refused` gives a `failed` verdict: named's word on its own dump wins over a file that looks
// current, and the log's line names the step when there is one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ok } from 'ts-results-es';
import { afterAll, describe, expect, it } from 'vitest';
import type { ZoneStatus } from '../../src/control/parse.js';
import { refusedFlush, verifyZoneWritten, type ZoneStatusSource } from '../../src/dump/verify.js';

const reply = (command: string, err: string | undefined, text = '') => ({ command, err, text });

describe('refusedFlush: which failed answers are a failed dump', () => {
  it.each([
    // 9.20.23, captured: a zone directory named cannot write, a read-only mount.
    ['sync dyn.test', 'permission denied', ''],
    ['sync -clean dyn.test', 'permission denied', ''],
    ['freeze dyn.test', 'permission denied', 'Flushing the zone updates to disk failed.'],
    // Other file results of BIND's errno table (disc full…), and any result with 9.20's text.
    ['sync dyn.test', 'disc full', ''],
    ['sync dyn.test', 'unexpected error', ''],
    ['freeze dyn.test', 'out of range', 'Flushing the zone updates to disk failed.'],
  ])('%s → %s %j: refused', (command, err, text) => {
    expect(refusedFlush(reply(command, err, text))).toEqual({ command, result: err, text });
  });

  it.each([
    ['sync nope.test', 'not found', ''],
    ['freeze dyn.test', 'already frozen', 'WARNING: The zone was already frozen.'],
    ['sync dyn.test', 'already running', ''],
    ['freeze static.test', 'not dynamic', ''],
    ['freeze dyn.test', 'failure', ''],
    ['sync dyn.test', 'zone not loaded', ''],
    ['sync dyn.test', undefined, ''],
  ])('%s → %s %j: not a dump failure', (command, err, text) => {
    expect(refusedFlush(reply(command, err, text))).toBeUndefined();
  });

  it('no reply at all (a transport failure): not a dump failure', () => {
    expect(refusedFlush(undefined)).toBeUndefined();
  });
});

describe('verifyZoneWritten with a refused flush', () => {
  const dir = mkdtempSync(join(tmpdir(), 'refused-flush-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const zoneFile = join(dir, 'dyn.test.db');
  const log = join(dir, 'named.log');
  const soa = (serial: number) => `@ 300 IN SOA ns hostmaster ${serial} 3600 600 86400 300\n`;
  const rndc = (served: number): ZoneStatusSource => ({
    zonestatus: () => Promise.resolve(Ok({ files: [zoneFile], serial: served } as ZoneStatus)),
    status: () => new Promise(() => {}),
  });
  const refused = {
    command: 'sync dyn.test',
    result: 'permission denied',
    text: '',
  };

  it('with the log line: failed at the step named logged, the answer in the summary', async () => {
    writeFileSync(zoneFile, soa(5));
    writeFileSync(log, '');
    writeFileSync(
      log,
      `${new Date().toISOString()} general: error: dumping master file: tmp-AbCdEfGhIj: open: permission denied\n`,
    );
    const evidence = (
      await verifyZoneWritten({
        rndc: rndc(6),
        zone: 'dyn.test',
        zoneFile,
        log,
        timeoutMs: 5000,
        diagnose: false,
        refused,
        before: {
          at: new Date(),
          zoneFile,
          directory: dir,
          fileSerial: 5,
          mtime: undefined,
          tmpFiles: new Set(),
          servedSerial: 6,
          journal: undefined,
          logOffset: 0,
        },
      })
    ).unwrapErr().evidence!;
    expect(evidence).toMatchObject({ verdict: 'failed', failedStep: 'open' });
    expect(evidence.summary).toMatch(
      /^named answered 'sync dyn\.test' with "permission denied": named failed to write .* \(open: permission denied\)/,
    );
    expect(evidence.remedy).toMatch(/named cannot create files/);
  });

  it('without a log: still failed (open: the only step named takes before answering), never "written" even if the file looks current', async () => {
    writeFileSync(zoneFile, soa(6));
    const evidence = (
      await verifyZoneWritten({
        rndc: rndc(6),
        zone: 'dyn.test',
        zoneFile,
        timeoutMs: 5000,
        diagnose: false,
        refused,
      })
    ).unwrapErr().evidence!;
    expect(evidence).toMatchObject({ verdict: 'failed', failedStep: 'open' });
    expect(evidence.summary).toMatch(/^named answered 'sync dyn\.test' with "permission denied": /);
  });
});
