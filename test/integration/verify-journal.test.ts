// A zone whose journal named cannot create: every UPDATE gets SERVFAIL, so the served serial never
// moves and the zone file always "holds the served serial". Before this check a verified
// sync/freeze said NOTHING PENDING (exit 0). Reproduced with a real named in the two layouts of
// issue 11 (a zones directory named -u nobody cannot write, no journal yet; a read-only bind
// mount of the zones directory in named's mount namespace, EROFS), through the library, the CLI
// and verifyZoneWritten; and the healthy layout (no journal yet, directory writable) as control.

import { existsSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { diagnoseZoneStorage } from '../../src/dump/diagnose.js';
import type { DumpError } from '../../src/dump/errors.js';
import type { JournalFailedEvent } from '../../src/dump/log.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import {
  type BinaryResult,
  canUseMountNamespace,
  type NamedInstance,
  runBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import type { UpdateError } from '../../src/update/errors.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { dumpBehaviour } from '../helpers/dump-versions.js';

const SERVFAIL = 2;
const mountNamespace = await canUseMountNamespace();
const instances: NamedInstance[] = [];
let counter = 0;

afterAll(async () => {
  for (const named of instances) await named.stop();
});

async function lab(options: StartNamedOptions) {
  const named = await startNamed({ user: 'nobody', ...options });
  instances.push(named);
  const key = named.keys['hmac-sha256'];
  // With the log: the journal failure lines are evidence. Without: only the storage diagnosis.
  const rndc = RndcClient.connect({
    port: named.controlPort,
    key,
    named: { log: named.logFile, pid: named.pid, binary: named.namedBinary },
  });
  const noLog = RndcClient.connect({
    port: named.controlPort,
    key,
    named: { pid: named.pid, binary: named.namedBinary },
  });
  const add = async () => {
    counter++;
    const updates = new UpdateClient({ server: '127.0.0.1', port: named.dnsPort, key });
    try {
      return await updates.send(new Update('dyn.test').add(`j${counter} 300 A 192.0.2.7`));
    } finally {
      updates.close();
    }
  };
  const cli = (args: readonly string[]): Promise<BinaryResult> =>
    runBinary(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        '-c',
        named.rndcConfFile(),
        ...args,
        '--named-pid',
        String(named.pid),
        '--named-binary',
        named.namedBinary,
        '--wait',
        '20',
      ],
      { cwd: resolve('.'), timeoutMs: 60_000 },
    );
  const close = async () => {
    await rndc.close();
    await noLog.close();
  };
  return { named, rndc, noLog, add, cli, close };
}

type Lab = Awaited<ReturnType<typeof lab>>;

/** The zone's journal beside the zone file (BIND's default), as the host sees it. */
const journalOf = (l: Lab) => `${l.named.zones[0]!.path}.jnl`;

/** A verified call's error: failed at step `journal`, the file current, `finding` diagnosed. */
function expectJournalFailure(error: DumpError, finding: string, logged: boolean): void {
  expect(error.kind).toBe('dump-failed');
  const evidence = error.evidence!;
  expect(evidence).toMatchObject({ verdict: 'failed', failedStep: 'journal', logRead: logged });
  // The zone file is current: exactly the state that used to be reported as NOTHING PENDING.
  expect(evidence.fileSerialAfter).toBe(evidence.servedSerial);
  expect(evidence.journalAfter).toBeUndefined();
  expect(evidence.summary).toContain(`cannot create the journal ${evidence.zoneFile}.jnl`);
  expect(error.message).toMatch(/^dyn\.test cannot keep changes: /);
  expect(evidence.diagnosis?.findings.map((f) => f.code)).toContain(finding);
  expect(error.remedy).toBe(evidence.diagnosis?.findings.find((f) => f.code === finding)?.remedy);
}

/** named's journal failure lines for dyn.test's journal, in the evidence. */
function journalLines(error: DumpError): JournalFailedEvent[] {
  return (error.evidence?.logEvents ?? []).filter(
    (event): event is JournalFailedEvent =>
      event.kind === 'journal-failed' && event.file === 'zones/dyn.test.db.jnl',
  );
}

/** Both broken layouts, checked the same way; `result` is BIND's text for the create failure. */
async function expectCannotKeepChanges(l: Lab, finding: string, result: string) {
  const version = l.named.bindVersion;
  // Before any UPDATE: no journal failure logged yet, the diagnosis alone says the first fails.
  const first = (await l.noLog.sync('dyn.test', { verify: true })).unwrapErr() as DumpError;
  expectJournalFailure(first, finding, false);
  expect(first.evidence?.summary).toContain('no update has been tried yet');

  // An UPDATE: SERVFAIL, and named logs why.
  const since = l.named.logOffset();
  const sent = await l.add();
  expect((sent.unwrapErr() as UpdateError).rcode).toBe(SERVFAIL);
  await l.named.waitForLog(/dyn\.test\.db\.jnl: create: /, { since });
  await l.named.waitForLog(/updating zone 'dyn\.test\/IN': error: journal open failed/, { since });

  // Library, verified sync: failed at `journal`, with the log lines as evidence.
  const synced = (await l.rndc.sync('dyn.test', { verify: true })).unwrapErr() as DumpError;
  expectJournalFailure(synced, finding, true);
  const lines = journalLines(synced);
  expect(lines.length).toBeGreaterThanOrEqual(1);
  expect(lines[0]).toMatchObject({ step: 'create', result });
  // BIND 9.16 logs the errno it could not map first (EROFS, 30); 9.18.17+ say permission denied.
  if (result === 'unexpected error') expect(lines[0]?.errno).toBe(30);
  expect(
    synced.evidence?.logEvents.some(
      (e) => e.kind === 'update-failed' && e.reason === 'journal open failed',
    ),
  ).toBe(true);
  expect(synced.evidence?.summary).toContain('dyn.test.db.jnl: create: ');

  // Verified freeze: the same; the zone is frozen nevertheless (the dump itself is fine).
  const frozen = (await l.rndc.freeze('dyn.test', { verify: true })).unwrapErr() as DumpError;
  expectJournalFailure(frozen, finding, true);
  expect(frozen.message).toContain('The zone is frozen nevertheless');
  (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();

  // verifyZoneWritten on its own: the same Err (the rule of sync/freeze), looking back.
  const checked = (
    await verifyZoneWritten({
      rndc: l.rndc,
      zone: 'dyn.test',
      log: l.named.logFile,
      namedPid: l.named.pid,
      namedBinary: l.named.namedBinary,
    })
  ).unwrapErr();
  expectJournalFailure(checked, finding, true);
  expect(journalLines(checked).length).toBeGreaterThanOrEqual(1);

  // CLI: exit 1, FAILED, the step, the finding and the log line.
  const text = await l.cli(['sync', 'dyn.test', '--verify', '--named-log', l.named.logFile]);
  expect(text.exitCode, `${version}: ${text.stderr}`).toBe(1);
  expect(text.stdout).toMatch(/^dyn\.test: FAILED$/m);
  expect(text.stdout).toMatch(/^ {2}failed step: +journal$/m);
  expect(text.stdout).toMatch(new RegExp(`^ {4}ERROR ${finding}: `, 'm'));
  expect(text.stdout).toMatch(/^ {4}.*zones\/dyn\.test\.db\.jnl: create: /m);
  expect(text.stderr).toMatch(/'sync' failed: dyn\.test cannot keep changes: /);
  // Without --named-log: the log file named.conf's logging statement names is read.
  const json = await l.cli(['--json', 'freeze', 'dyn.test', '--verify']);
  expect(json.exitCode, json.stderr).toBe(1);
  const document = JSON.parse(json.stdout);
  expect(document).toMatchObject({
    ok: false,
    verdict: 'failed',
    evidence: { failedStep: 'journal', logRead: true },
    namedLog: { source: 'named.conf', path: l.named.logFile },
    error: { kind: 'dump-failed' },
  });
  expect(document.evidence.diagnosis.findings.map((f: { code: string }) => f.code)).toContain(
    finding,
  );
  (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();
  expect(existsSync(journalOf(l))).toBe(false);
}

describe('named cannot create the journal: a verified sync/freeze says the zone cannot keep changes', () => {
  it('zones directory chmod 555, named -u nobody, no journal yet → failed at journal, zone-dir-not-writable; after the fix one UPDATE proves it', async () => {
    const l = await lab({
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir }) => {
        await chmod(join(dir, 'zones'), 0o555);
      },
    });
    await expectCannotKeepChanges(l, 'zone-dir-not-writable', 'permission denied');

    // Fixed: the diagnosis finds no cause any more, but the log's failure stands until a
    // journal write follows it: the verdict says so, and how to prove the fix.
    await chmod(join(l.named.dir, 'zones'), 0o755);
    const stale = (await l.rndc.sync('dyn.test', { verify: true })).unwrapErr() as DumpError;
    expect(stale.evidence).toMatchObject({ verdict: 'failed', failedStep: 'journal' });
    expect(stale.evidence?.diagnosis?.findings).toEqual([]);
    expect(stale.evidence?.summary).toContain('the storage diagnosis finds no cause now');
    (await l.add()).unwrap();
    expect(existsSync(journalOf(l))).toBe(true);
    const proven = (await l.rndc.sync('dyn.test', { verify: true })).unwrap();
    expect(proven.dump).toMatchObject({ verdict: 'written' });
    expect(proven.dump?.journalAfter?.path).toBe(journalOf(l));
    await l.close();
  });

  it('read-only bind mount of the zones directory (EROFS) in named mount namespace → failed at journal, zone-dir-read-only-mount', async () => {
    if (!mountNamespace.ok) {
      console.log(`read-only mount case not run: ${mountNamespace.reason}`);
      expect(mountNamespace.reason).not.toBe('');
      return;
    }
    const l = await lab({
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      mountNamespace: { bindMounts: [{ source: 'zones', target: 'zones', readOnly: true }] },
    });
    // EROFS: `permission denied` from 9.18.17 on, `unexpected error` (with the errno) on 9.16.
    const result = dumpBehaviour(l.named.bindVersion).readOnlyMountOpenResult;
    await expectCannotKeepChanges(l, 'zone-dir-read-only-mount', result);
    await l.close();
  });
});

describe('healthy layout (control)', () => {
  it("another named from the host's binary (root, verified) runs beside: verify and the diagnosis do not take it for this zone's named", async () => {
    // The decoy passes every identity check (host binary, root, host user namespace). Taking it
    // would judge the zone by root-without-CAP_DAC_OVERRIDE against a directory owned by nobody:
    // a false "cannot keep changes". rndc status's boot time and configuration file rule it out.
    const decoy = await startNamed({
      version: '9.18',
      zones: [{ name: 'decoy.test', kind: 'dynamic' }],
    });
    instances.push(decoy);
    const l = await lab({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
    const checked = await verifyZoneWritten({
      rndc: l.rndc,
      zone: 'dyn.test',
      log: l.named.logFile,
    });
    expect(
      checked.isOk() && checked.value.verdict,
      checked.isErr() ? checked.error.message : '',
    ).toBe('nothing-pending');
    const status = (await l.rndc.status()).unwrap();
    const diagnosis = (
      await diagnoseZoneStorage({
        zoneFile: l.named.zones[0]!.path,
        namedConf: l.named.configFile,
        ...(status.bootTime ? { namedBootTime: status.bootTime } : {}),
      })
    ).unwrap();
    expect(diagnosis.facts.pid).not.toBe(decoy.pid);
    expect(diagnosis.findings.map((f) => f.code)).not.toContain('zone-dir-not-writable');
    await l.close();
    await decoy.stop();
  });

  it('dynamic zone, no journal yet, zones directory writable by named → nothing pending, zero findings, exit 0; an UPDATE creates the journal', async () => {
    const l = await lab({ zones: [{ name: 'dyn.test', kind: 'dynamic' }] });
    expect(existsSync(journalOf(l))).toBe(false);
    const diagnosis = (
      await diagnoseZoneStorage({
        zoneFile: l.named.zones[0]!.path,
        namedPid: l.named.pid,
        namedBinary: l.named.namedBinary,
      })
    ).unwrap();
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.facts.identity).toBe('pid');

    for (const client of [l.rndc, l.noLog]) {
      const synced = (await client.sync('dyn.test', { verify: true })).unwrap();
      expect(synced.dump).toMatchObject({ verdict: 'nothing-pending', failedStep: undefined });
      expect(synced.dump?.diagnosis).toBeUndefined();
    }
    const frozen = (await l.rndc.freeze('dyn.test', { verify: true })).unwrap();
    expect(frozen.dump?.verdict).toBe('nothing-pending');
    (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();
    const checked = (
      await verifyZoneWritten({ rndc: l.rndc, zone: 'dyn.test', log: l.named.logFile })
    ).unwrap();
    expect(checked.verdict).toBe('nothing-pending');
    const text = await l.cli(['sync', 'dyn.test', '--verify', '--named-log', l.named.logFile]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^dyn\.test: NOTHING PENDING/m);
    expect(text.stdout).not.toMatch(/findings:|ERROR|WARNING/);

    (await l.add()).unwrap();
    expect(existsSync(journalOf(l))).toBe(true);
    const written = (await l.rndc.sync('dyn.test', { verify: true })).unwrap();
    expect(written.dump?.verdict).toBe('written');
    expect(written.dump?.journalAfter?.path).toBe(journalOf(l));
    const json = await l.cli(['--json', 'sync', 'dyn.test', '--verify']);
    expect(json.exitCode, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, error: null });
    await l.close();
  });
});
