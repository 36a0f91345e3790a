// `rndc-js explain` and `--named-log` streams against a real named (issue 11, items 7 and the
// explain command): named -u nobody with a zone directory it cannot write (0555) fails its dumps;
// its own log, as a file, through a pipe and pasted the k9s way, is explained with the zone, the
// step and the cause. Inside a private mount namespace, the zone file bind-mounted over itself
// (a ConfigMap subPath) gives the seed's EBUSY verdict. A verified sync reads named's log from a
// live stream (`--named-log -`); a missing --named-log is an error, and a stream that ended
// before the command is never read as "nothing was logged".
import { spawn } from 'node:child_process';
import { copyFile, mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import { verifyZoneWritten } from '../../src/dump/verify.js';
import {
  type BinaryResult,
  canUseMountNamespace,
  type NamedInstance,
  runBinary,
  runRndcBinary,
  type StartNamedOptions,
  startNamed,
} from '../../src/testing/index.js';
import { addRecord } from '../helpers/add-record.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { readOnlyZonesDir } from '../helpers/layouts.js';
import { PASTE_FORMS } from '../helpers/pasted-logs.js';

const ROOT = resolve('.');
const SEED_CAUSE = 'the zone file is a mount point (EBUSY), typical of a ConfigMap subPath';
const instances: NamedInstance[] = [];

afterAll(async () => {
  for (const named of instances) await named.stop();
});

async function lab(options: StartNamedOptions): Promise<NamedInstance> {
  const named = await startNamed(options);
  instances.push(named);
  return named;
}

/** `rndc-js ARGS…` as a process, `input` on its stdin (a pipe). */
function cli(args: readonly string[], input?: string): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
    cwd: ROOT,
    timeoutMs: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
}

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON documents, checked field by field
function json(result: BinaryResult): Record<string, any> {
  return JSON.parse(result.stdout);
}

describe('a zone directory named cannot write (0555, named -u nobody)', () => {
  it("named's own log — file, pipe, k9s paste — is explained: dyn.test, open, not writable; exit 1", async () => {
    const named = await lab(readOnlyZonesDir());
    await addRecord(named, 'e');
    const since = named.logOffset();
    await runRndcBinary(named, ['sync', 'dyn.test']);
    await named.waitForLog(/dumping master file: zones\/tmp-\w+: open: permission denied/, {
      since,
    });
    const log = await readFile(named.logFile, 'utf8');

    const fromFile = await cli(['explain', named.logFile, '--json']);
    expect(fromFile.exitCode, fromFile.stderr).toBe(1);
    const doc = json(fromFile);
    expect(doc).toMatchObject({ ok: false, complete: true, source: named.logFile });
    const zone = doc.zones.find((z: { zones: string[] }) => z.zones.includes('dyn.test'));
    expect(zone).toMatchObject({ directory: 'zones' });
    expect(zone.problems[0]).toMatchObject({
      area: 'dump',
      step: 'open',
      result: 'permission denied',
      cause: { id: 'directory-not-writable' },
    });
    expect(zone.problems[0].evidence[0].raw[0]).toMatch(/open: permission denied$/);

    // The same log through a pipe, and pasted from k9s (frames, padding, CRLF).
    const piped = await cli(['explain'], log);
    expect(piped.exitCode, piped.stderr).toBe(1);
    expect(piped.stdout).toMatch(/^zone dyn\.test \(directory zones\/\)$/m);
    expect(piped.stdout).toMatch(/dumps fail at open: permission denied/);
    expect(piped.stdout).toMatch(/cause: +named cannot create its temp file/);
    const k9s = PASTE_FORMS.k9s!;
    const pasted = log
      .split('\n')
      .filter((line) => line !== '')
      .map((line, i) => k9s(line, i % 3))
      .join('\n');
    const fromPaste = await cli(['explain', '-', '--json'], pasted);
    expect(fromPaste.exitCode).toBe(1);
    expect(json(fromPaste).zones).toEqual(doc.zones.map(withPastedEvidence(pasted)));

    // A file that is not there: exit 2, and nothing claimed about it.
    const missing = await cli(['explain', join(named.dir, 'no-such.log')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/cannot read named's log: .*no-such\.log does not exist/);
  });

  it('sync --verify --named-log - reads a live stream of the log; a missing --named-log is an error; a stream that ended is not read as "nothing logged"', async () => {
    const named = await lab(readOnlyZonesDir());
    const conf = named.rndcConfFile();
    await addRecord(named, 'e');

    const missing = await cli([
      '-c',
      conf,
      'sync',
      'dyn.test',
      '--verify',
      '--named-log',
      join(named.dir, 'nope.log'),
    ]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/--named-log .*nope\.log: no such file/);
    expect(await readFile(named.logFile, 'utf8')).not.toMatch(/command 'sync dyn\.test'/);

    // `tail -f named.log | rndc-js sync dyn.test --verify --named-log -`, with our own tail.
    const child = spawn(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        '-c',
        conf,
        'sync',
        'dyn.test',
        '--verify',
        '--named-log',
        '-',
        '--wait',
        '8',
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
    child.stdin.on('error', () => undefined);
    const handle = await open(named.logFile, 'r');
    let position = 0;
    let running = true;
    const tail = (async () => {
      const buffer = Buffer.alloc(65536);
      while (running) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
        if (bytesRead > 0) {
          position += bytesRead;
          child.stdin.write(Buffer.from(buffer.subarray(0, bytesRead)));
        } else {
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    })();
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await exited;
    running = false;
    await tail;
    await handle.close();
    clearTimeout(watchdog);
    expect(code, stderr).toBe(1);
    expect(stdout).toMatch(/FAILED/);
    expect(stdout).toMatch(/named log: +\d+ matching line\(s\):\n.*open: permission denied/);

    // /dev/null: a stream that ends at once cannot show what the dump did; said so.
    await addRecord(named, 'e');
    const ended = await cli([
      '-c',
      conf,
      'sync',
      'dyn.test',
      '--verify',
      '--named-log',
      '/dev/null',
      '--wait',
      '2',
    ]);
    expect(ended.stderr).toMatch(/--named-log \/dev\/null ended before the command was sent/);
    expect(ended.stdout).not.toMatch(/no dump or journal errors logged/);
    expect(ended.stdout).not.toMatch(/no dump error was logged/);
    expect([1, 3]).toContain(ended.exitCode);
  });
});

describe('verifyZoneWritten with a log it cannot read', () => {
  it('a missing log: logRead false, logProblem says why, and "no dump error was logged" is never claimed', async () => {
    const named = await lab(readOnlyZonesDir());
    await addRecord(named, 'e');
    const rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
    try {
      const result = await verifyZoneWritten({
        rndc,
        zone: 'dyn.test',
        log: join(named.dir, 'no-such.log'),
        timeoutMs: 2500,
        diagnose: false,
      });
      // Not written (the directory is 0555): failed or unknown by version, never "written" —
      // an Err carrying the evidence either way.
      expect(result.isErr()).toBe(true);
      const evidence = result.isErr() ? result.error.evidence : undefined;
      if (evidence === undefined) throw new Error('no evidence in the DumpError');
      expect(['failed', 'unknown']).toContain(evidence.verdict);
      expect(evidence.logRead).toBe(false);
      expect(evidence.logProblem).toMatch(/no-such\.log does not exist/);
      expect(evidence.summary).not.toMatch(/no dump error was logged/);
      if (evidence.verdict === 'unknown') {
        // Either the log's problem, or (when the deadline fell during a read, of the log or of
        // the zone's files on a loaded machine) the cut-off.
        expect(evidence.summary).toMatch(
          /named's log could not be read \(.*does not exist\)|the check was cut off while /,
        );
      }
    } finally {
      await rndc.close();
    }
  });
});

/** The JSON zones of the plain log, with the evidence lines as they are in the paste. */
function withPastedEvidence(pasted: string) {
  const lines = pasted.split('\n').map((line) => line.replace(/\r$/, ''));
  // biome-ignore lint/suspicious/noExplicitAny: the JSON document's zones
  return (zone: any) => ({
    ...zone,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    problems: zone.problems.map((p: any) => ({
      ...p,
      evidence: p.evidence.map((e: { line: number; raw: string[] }) => ({
        line: e.line,
        raw: e.raw.map((_: string, i: number) => lines[e.line - 1 + i]),
      })),
    })),
  });
}

const mountNamespace = await canUseMountNamespace();
if (!mountNamespace.ok) {
  console.warn(`explain: skipping the zone-file mount point case: ${mountNamespace.reason}`);
}

describe.skipIf(!mountNamespace.ok)('the zone file is a mount point (a ConfigMap subPath)', () => {
  it("named's log gives the seed's verdict: the zone file, rename, EBUSY mount point", async () => {
    const named = await lab({
      user: 'nobody',
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      beforeStart: async ({ dir, zones }) => {
        await mkdir(join(dir, 'cm'));
        await copyFile(zones[0]!.path, join(dir, 'cm/dyn.test.db'));
      },
      mountNamespace: {
        bindMounts: [{ source: 'cm/dyn.test.db', target: 'zones/dyn.test.db', readOnly: true }],
      },
    });
    await addRecord(named, 'e');
    const since = named.logOffset();
    await runRndcBinary(named, ['sync', 'dyn.test']);
    await named.waitForLog(/dumping master file: rename: zones\/dyn\.test\.db: unexpected error/, {
      since,
    });
    const result = await cli(['explain', named.logFile]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^zone dyn\.test \(zone file zones\/dyn\.test\.db\)$/m);
    expect(result.stdout).toMatch(/dumps fail at rename: unexpected error/);
    expect(result.stdout).toContain(`cause:    ${SEED_CAUSE}`);
    expect(result.stdout).toMatch(/remedy: +do not mount the zone file by itself/);
  });
});
