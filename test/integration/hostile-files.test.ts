// Hostile files in named's directory (issue 10 item 4). named's user owns the zone directory, so
// any process running as that user can replace the journal, the zone file or an $INCLUDEd file
// by a FIFO. A plain open() of a FIFO with no writer blocks forever (and holds one of libuv's
// four threadpool threads): verification used to hang past every deadline, and rndc-js ignored
// SIGTERM. Against a real named: every call settles by its timeoutMs + 2 s with evidence naming
// the FIFO, and the CLI ends promptly on the first SIGTERM (143) or SIGINT (130).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  readdir,
  readFile,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type DumpedResponse, RndcClient } from '../../src/control/client.js';
import type { DumpError } from '../../src/dump/errors.js';
import { type DumpEvidence, verifyZoneWritten } from '../../src/dump/verify.js';
import { readZoneFileSerial } from '../../src/dump/zonefile.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';

const ROOT = resolve('.');
/** The verification deadline given to every call. */
const TIMEOUT_MS = 3000;
/** "Settles by timeoutMs + 2 s" (a bound on a loaded machine, not a speed measurement). */
const SETTLE_BOUND_MS = TIMEOUT_MS + 2000;
/** How long a hang is waited for before the test calls it one. */
const HANG_MS = 15_000;

const fifos: string[] = [];
/** Settle times measured, printed at the end (for the report). */
const figures: string[] = [];
let counter = 0;

/** Replaces `path` by a FIFO (what a process running as named's user can do). */
async function plantFifo(path: string): Promise<void> {
  await rm(path, { force: true });
  execFileSync('mkfifo', [path]);
  fifos.push(path);
}

/**
 * Opens every planted FIFO for writing and closes it: a reader blocked in open() (the code
 * before the fix) wakes up and reads EOF, so a failing test does not wedge the worker.
 */
function releaseFifos(): void {
  for (const path of fifos.splice(0)) {
    try {
      closeSync(openSync(path, constants.O_RDWR | constants.O_NONBLOCK));
    } catch {
      // gone already
    }
  }
}

afterEach(releaseFifos);
afterAll(() => {
  releaseFifos();
  if (figures.length > 0) process.stdout.write(`settle times:\n  ${figures.join('\n  ')}\n`);
});

/** `work`'s value and how long it took, or 'hung' after HANG_MS. */
async function timed<T>(label: string, work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<'hung'>((done) => {
    timer = setTimeout(() => done('hung'), HANG_MS);
  });
  const value = await Promise.race([work, hung]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  expect(value, `${label} did not settle within ${HANG_MS} ms`).not.toBe('hung');
  figures.push(`${label}: ${ms} ms`);
  return { value: value as T, ms };
}

/** The evidence of a sync/freeze with verify, whether it succeeded or not. */
function evidenceOf(result: Awaited<ReturnType<RndcClient['sync']>>): DumpEvidence | undefined {
  return result.isOk()
    ? (result.value as DumpedResponse).dump
    : (result.error as DumpError).evidence;
}

async function lab(named: NamedInstance) {
  const rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    named: { log: named.logFile },
  });
  const add = async () => {
    counter++;
    const updates = new UpdateClient({
      server: '127.0.0.1',
      port: named.dnsPort,
      key: named.keys['hmac-sha256'],
    });
    try {
      (await updates.send(new Update('dyn.test').add(`h${counter} 300 A 192.0.2.7`))).unwrap();
    } finally {
      updates.close();
    }
  };
  const zone = named.zones.find((z) => z.name === 'dyn.test')!;
  return { rndc, add, zoneFile: zone.path, journal: `${zone.path}.jnl` };
}

describe('a FIFO as the journal', { timeout: 60_000 }, () => {
  let named: NamedInstance;
  let l: Awaited<ReturnType<typeof lab>>;
  beforeAll(async () => {
    named = await startNamed();
    l = await lab(named);
  });
  afterAll(async () => {
    await l?.rndc.close();
    await named?.stop();
  });

  const FIFO_JOURNAL =
    /dyn\.test\.db\.jnl is a FIFO, not a regular file: something replaced named's journal/;

  it('hostile files appearing in the zone directory during a verified sync neither block nor fool it', async () => {
    // named's user can put anything next to the zone file while verification watches the
    // directory: a FIFO and a symlink to /dev/zero named like named's temp files, a 1 TiB sparse
    // one. None is opened or read; the proof is still the zone file's serial.
    const zoneDir = dirname(l.zoneFile);
    const planted = ['tmp-AAAAAAAAAA', 'tmp-BBBBBBBBBB', 'tmp-CCCCCCCCCC'].map((name) =>
      join(zoneDir, name),
    );
    const [fifo, link, huge] = planted as [string, string, string];
    try {
      await l.add();
      const syncing = l.rndc.sync('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } });
      await plantFifo(fifo);
      await symlink('/dev/zero', link);
      await writeFile(huge, '');
      await truncate(huge, 2 ** 40);
      const { value, ms } = await timed('sync({ verify }), hostile tmp-* files appearing', syncing);
      expect(ms).toBeLessThan(SETTLE_BOUND_MS);
      const evidence = evidenceOf(value);
      expect(evidence?.verdict, evidence?.summary).toBe('written');
      expect(evidence?.fileSerialAfter).toBe(evidence?.servedSerial);
      // Read again independently: the zone file on disk holds the served serial.
      const read = await readZoneFileSerial(l.zoneFile, { origin: 'dyn.test', baseDir: named.dir });
      expect(read.unwrap().serial).toBe(evidence?.servedSerial);
    } finally {
      releaseFifos();
      for (const path of planted) await rm(path, { force: true });
    }
  });

  it('verifyZoneWritten settles by its deadline and names the FIFO', async () => {
    await l.add();
    await plantFifo(l.journal);
    const { value, ms } = await timed(
      'verifyZoneWritten, FIFO journal',
      verifyZoneWritten({
        rndc: l.rndc,
        zone: 'dyn.test',
        log: named.logFile,
        timeoutMs: TIMEOUT_MS,
      }),
    );
    expect(ms).toBeLessThan(SETTLE_BOUND_MS);
    // An update is pending and nothing dumped it: not proven (an Err), and the journal is named.
    const error = value.unwrapErr();
    expect(error.kind).toBe('not-verified');
    const evidence = error.evidence!;
    expect(evidence.verdict).toBe('unknown');
    expect(evidence.journalAfter).toBeUndefined();
    expect(evidence.fileProblems.join('\n')).toMatch(FIFO_JOURNAL);
  });

  it('sync({ verify }) settles and its evidence names the FIFO', async () => {
    await plantFifo(l.journal);
    const { value, ms } = await timed(
      'sync({ verify }), FIFO journal',
      l.rndc.sync('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } }),
    );
    expect(ms).toBeLessThan(SETTLE_BOUND_MS);
    const evidence = evidenceOf(value);
    if (evidence === undefined) {
      // named blocked on the FIFO before the command was sent (9.16 and 9.18 compact the journal
      // with a blocking fopen() after a dump) and did not answer zonestatus: the picture before
      // the command could not be taken. Settled by the deadline, and says why.
      const error = value.unwrapErr() as DumpError;
      if (error.kind === 'zone-status') {
        // The zonestatus call's own deadline (what was left of the 3000 ms) ran out a moment
        // before the verification's: the same fact, reported by the control channel.
        expect((error.cause as { kind?: string } | undefined)?.kind).toMatch(/^(timeout|aborted)$/);
        expect(error.message).toMatch(/cannot read the state of dyn\.test/);
        return;
      }
      expect(error.kind).toBe('timeout');
      expect(error.message).toMatch(/the state of dyn\.test could not be read within 3000 ms/);
      return;
    }
    expect(evidence.fileProblems.join('\n')).toMatch(FIFO_JOURNAL);
    // named itself may block on the FIFO after its dump (BIND compacts the journal then, with a
    // blocking fopen()), and stop answering zonestatus: then the deadline cut the check off and
    // says so. Otherwise the zone file is proven written and the journal still reported.
    if (evidence?.verdict === 'unknown') {
      expect(evidence.summary).toMatch(/cut off while asking named for the state of dyn\.test/);
    } else {
      expect(evidence?.verdict, evidence?.summary).toBe('written');
      expect(evidence?.fileSerialAfter).toBe(evidence?.servedSerial);
      expect(evidence?.summary).toMatch(FIFO_JOURNAL);
    }
  });

  it('freeze({ verify }) settles and its evidence names the FIFO', async () => {
    await plantFifo(l.journal);
    try {
      const { value, ms } = await timed(
        'freeze({ verify }), FIFO journal',
        l.rndc.freeze('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } }),
      );
      expect(ms).toBeLessThan(SETTLE_BOUND_MS);
      expect(evidenceOf(value)?.fileProblems.join('\n')).toMatch(FIFO_JOURNAL);
    } finally {
      // named would block reading a FIFO journal when it reloads the zone on thaw.
      releaseFifos();
      await rm(l.journal, { force: true });
      (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();
    }
  });

  it('rndc-js sync ZONE --verify settles and prints the FIFO', async () => {
    await plantFifo(l.journal);
    const run = await runCli(named, [
      'sync',
      'dyn.test',
      '--verify',
      '--named-log',
      named.logFile,
      '--wait',
      String(TIMEOUT_MS / 1000),
    ]);
    const exit = await timed('rndc-js sync --verify, FIFO journal (incl. startup)', run.exited);
    // Process startup (tsx) included: a generous bound.
    expect(exit.ms).toBeLessThan(SETTLE_BOUND_MS + 10_000);
    // 0 written, or 3 when named blocked on the FIFO (see above); the FIFO is named either way.
    expect([0, 3], run.output()).toContain(exit.value.code);
    expect(run.output()).toMatch(FIFO_JOURNAL);
  });
});

describe('a FIFO as the zone file, and as an $INCLUDEd file', { timeout: 60_000 }, () => {
  let named: NamedInstance;
  let l: Awaited<ReturnType<typeof lab>>;
  let include: string;
  beforeAll(async () => {
    named = await startNamed({
      zones: [{ name: 'dyn.test', kind: 'dynamic' }],
      // The SOA lives in an included file (relative to named's directory, as named resolves it).
      beforeStart: async ({ dir, zones }) => {
        const zone = zones[0]!;
        await writeFile(
          join(dir, 'zones', 'soa.inc'),
          '@ IN SOA ns.dyn.test. hostmaster.dyn.test. ( 2024010101 3600 600 86400 300 )\n@ IN NS ns\n',
        );
        await writeFile(
          zone.path,
          '$ORIGIN dyn.test.\n$TTL 300\n$INCLUDE zones/soa.inc\nns IN A 127.0.0.1\n',
        );
      },
    });
    l = await lab(named);
    include = join(named.dir, 'zones', 'soa.inc');
  });
  afterAll(async () => {
    await l?.rndc.close();
    await named?.stop();
  });

  it('the include is read before anything is replaced (the SOA is there)', async () => {
    const read = await readZoneFileSerial(l.zoneFile, { origin: 'dyn.test', baseDir: named.dir });
    expect(read.unwrap()).toMatchObject({ serial: 2024010101, includes: [include] });
  });

  it('an $INCLUDEd FIFO: readZoneFileSerial refuses it at once, naming it', async () => {
    const saved = join(named.dir, 'soa.inc.saved');
    await copyFile(include, saved);
    await plantFifo(include);
    try {
      const { value } = await timed(
        'readZoneFileSerial, $INCLUDEd FIFO',
        readZoneFileSerial(l.zoneFile, { origin: 'dyn.test', baseDir: named.dir }),
      );
      const error = value.unwrapErr();
      expect(error.kind).toBe('not-regular');
      expect(error.message).toMatch(
        /dyn\.test\.db:3: \$INCLUDE \S+soa\.inc is a FIFO, not a regular file: something replaced a file the zone includes/,
      );
      // verifyZoneWritten looking back: not proven by the deadline, and says why.
      await l.add();
      const verified = await timed(
        'verifyZoneWritten, $INCLUDEd FIFO',
        verifyZoneWritten({ rndc: l.rndc, zone: 'dyn.test', timeoutMs: TIMEOUT_MS }),
      );
      expect(verified.ms).toBeLessThan(SETTLE_BOUND_MS);
      const unproven = verified.value.unwrapErr();
      expect(unproven.kind).toBe('not-verified');
      const evidence = unproven.evidence!;
      expect(evidence.verdict).toBe('unknown');
      expect(evidence.summary).toMatch(/soa\.inc is a FIFO, not a regular file/);
      expect(evidence.fileProblems.join('\n')).toMatch(/soa\.inc is a FIFO/);
    } finally {
      releaseFifos();
      await rm(include, { force: true });
      await copyFile(saved, include);
    }
  });

  it('an $INCLUDEd FIFO: sync({ verify }) settles; named dumps a whole file, proven', async () => {
    await l.add();
    await plantFifo(include);
    const { value, ms } = await timed(
      'sync({ verify }), $INCLUDEd FIFO',
      l.rndc.sync('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } }),
    );
    expect(ms).toBeLessThan(SETTLE_BOUND_MS);
    const evidence = evidenceOf(value);
    expect(evidence?.verdict, evidence?.summary).toBe('written');
    expect(evidence?.fileSerialBefore).toBeUndefined();
    expect(evidence?.fileProblems.join('\n')).toMatch(
      /^before the command: \S+dyn\.test\.db:3: \$INCLUDE \S+soa\.inc is a FIFO/m,
    );
  });

  it('verifyZoneWritten with the zone file a FIFO: unknown by the deadline, naming it', async () => {
    await l.add();
    await plantFifo(l.zoneFile);
    const { value, ms } = await timed(
      'verifyZoneWritten, FIFO zone file',
      verifyZoneWritten({
        rndc: l.rndc,
        zone: 'dyn.test',
        log: named.logFile,
        timeoutMs: TIMEOUT_MS,
      }),
    );
    expect(ms).toBeLessThan(SETTLE_BOUND_MS);
    const error = value.unwrapErr();
    expect(error.kind).toBe('not-verified');
    const evidence = error.evidence!;
    expect(evidence.verdict).toBe('unknown');
    expect(evidence.fileSerialAfter).toBeUndefined();
    expect(evidence.summary).toMatch(
      /dyn\.test\.db is a FIFO, not a regular file: something replaced the zone file/,
    );
    expect(evidence.remedy).toMatch(/rndc sync ZONE/);
  });

  it('sync({ verify }) with the zone file a FIFO: settles; named renames its dump over it', async () => {
    await plantFifo(l.zoneFile);
    const { value, ms } = await timed(
      'sync({ verify }), FIFO zone file',
      l.rndc.sync('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } }),
    );
    expect(ms).toBeLessThan(SETTLE_BOUND_MS);
    const evidence = evidenceOf(value);
    expect(evidence?.verdict, evidence?.summary).toBe('written');
    expect(evidence?.fileProblems.join('\n')).toMatch(
      /^before the command: \S+dyn\.test\.db is a FIFO, not a regular file/m,
    );
  });

  it('freeze({ verify }) with the zone file a FIFO: settles', async () => {
    await l.add();
    await plantFifo(l.zoneFile);
    try {
      const { value, ms } = await timed(
        'freeze({ verify }), FIFO zone file',
        l.rndc.freeze('dyn.test', { verify: { timeoutMs: TIMEOUT_MS } }),
      );
      expect(ms).toBeLessThan(SETTLE_BOUND_MS);
      expect(evidenceOf(value)?.fileProblems.join('\n')).toMatch(/dyn\.test\.db is a FIFO/);
    } finally {
      (await l.rndc.thaw('dyn.test', { wait: true })).unwrap();
    }
  });

  it('rndc-js sync ZONE --verify --zone-file FIFO: exit 3 by --wait, naming the FIFO', async () => {
    // A FIFO named never replaces (not its zone file): nothing can be proven.
    const fifo = join(named.dir, 'elsewhere.db');
    await plantFifo(fifo);
    await l.add();
    const run = await runCli(named, [
      'sync',
      'dyn.test',
      '--verify',
      '--zone-file',
      fifo,
      '--wait',
      String(TIMEOUT_MS / 1000),
    ]);
    const exit = await timed('rndc-js sync --verify, FIFO --zone-file (incl. startup)', run.exited);
    expect(exit.ms).toBeLessThan(SETTLE_BOUND_MS + 10_000);
    expect(exit.value.code, run.output()).toBe(3);
    expect(run.output()).toMatch(/elsewhere\.db is a FIFO, not a regular file/);
  });
});

// ---- the CLI and signals -------------------------------------------------------------------

interface CliRun {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when `pattern` shows in the output (or the process exited). */
  waitFor(pattern: RegExp): Promise<void>;
}

async function runCli(
  named: NamedInstance,
  args: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    [...CLI_FROM_SOURCE, ...extraArgs, '-c', named.rndcConfFile(), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const listeners: (() => void)[] = [];
  const onData = (chunk: string) => {
    output += chunk;
    for (const listener of listeners) listener();
  };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('close', (code, signal) => done({ code, signal })),
  );
  const watchdog = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(watchdog));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern) =>
      Promise.race([
        exited.then(() => undefined),
        new Promise<void>((done) => {
          const check = () => {
            if (pattern.test(output)) done();
          };
          listeners.push(check);
          check();
        }),
      ]),
  };
}

/**
 * Whether a thread of process `pid` is (or soon is) blocked in open() waiting for a FIFO writer
 * (the kernel's wait channel `wait_for_partner`). Polls for up to 30 s.
 */
async function blockedOnFifo(pid: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < 30_000; ) {
    const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const wchan = await readFile(`/proc/${pid}/task/${task}/wchan`, 'utf8').catch(() => '');
      if (wchan.trim() === 'wait_for_partner') return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The status a shell reports: the exit code, or 128 + the number of the signal that ended it. */
function shellStatus(exit: { code: number | null; signal: NodeJS.Signals | null }): number {
  return exit.code ?? 128 + osConstants.signals[exit.signal!];
}

/** Sends `signal` once the command is waiting; the process must end within 5 s. */
async function interrupt(label: string, run: CliRun, ready: RegExp, signal: NodeJS.Signals) {
  await run.waitFor(ready);
  expect(run.output(), 'the command started waiting').toMatch(ready);
  expect(run.child.exitCode, `still running before ${signal}: ${run.output()}`).toBeNull();
  const sent = Date.now();
  run.child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    run.exited,
    new Promise<'running'>((done) => {
      timer = setTimeout(() => done('running'), 5000);
    }),
  ]);
  clearTimeout(timer);
  const ms = Date.now() - sent;
  expect(exit, `still running 5 s after ${signal}: ${run.output()}`).not.toBe('running');
  figures.push(`${label}: exit ${ms} ms after ${signal}`);
  const ended = exit as { code: number | null; signal: NodeJS.Signals | null };
  expect(shellStatus(ended), run.output()).toBe(signal === 'SIGTERM' ? 143 : 130);
  expect(run.output()).not.toMatch(/^\s+at /m);
  expect(run.output()).toMatch(new RegExp(`^rndc-js: interrupted by ${signal}: `, 'm'));
  return ended;
}

describe('rndc-js ends on the first SIGTERM (143) or SIGINT (130), whatever it waits on', {
  timeout: 60_000,
}, () => {
  let named: NamedInstance;
  let l: Awaited<ReturnType<typeof lab>>;
  let scratch: string;
  beforeAll(async () => {
    named = await startNamed();
    l = await lab(named);
    scratch = join(named.dir, 'scratch');
    await mkdir(scratch);
  });
  afterAll(async () => {
    if (named && !named.isRunning()) await named.restart().catch(() => undefined);
    await l?.rndc.close();
    await named?.stop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} during a long verify (a zone file copy named never writes)`, async () => {
      await l.add();
      const copy = join(scratch, `copy-${signal}.db`);
      await copyFile(l.zoneFile, copy);
      const run = await runCli(
        named,
        ['sync', 'dyn.test', '--verify', '--zone-file', copy, '--wait', '60'],
        ['-V'],
      );
      const exit = await interrupt(
        `sync --verify, long wait, ${signal}`,
        run,
        /verifying the dump\n/,
        signal,
      );
      // The command stopped by itself: a normal exit with the status, not a signal death.
      expect(exit.code).toBe(signal === 'SIGTERM' ? 143 : 130);
      expect(run.output()).toMatch(/the dump of dyn\.test was not proven/);
    });

    it(`${signal} during sync --verify with a FIFO as --zone-file`, async () => {
      await l.add();
      const fifo = join(scratch, `fifo-${signal}.db`);
      await plantFifo(fifo);
      const run = await runCli(
        named,
        ['sync', 'dyn.test', '--verify', '--zone-file', fifo, '--wait', '60'],
        ['-V'],
      );
      await interrupt(
        `sync --verify, FIFO zone file, ${signal}`,
        run,
        /verifying the dump\n/,
        signal,
      );
    });

    it(`${signal} while a script FIFO has no writer (update: a file operation that never returns)`, async () => {
      // `rndc-js update FILE` with FILE a FIFO (as with `<(…)`) blocks in open() until a writer
      // comes: a threadpool thread stuck in the kernel, which process.exit() would wait for.
      const fifo = join(scratch, `script-${signal}.fifo`);
      await plantFifo(fifo);
      const run = await runCli(named, ['update', fifo]);
      // No output marks the wait: watch for the thread blocked in open() on the FIFO.
      expect(await blockedOnFifo(run.child.pid!), 'a thread waits for a FIFO writer').toBe(true);
      await interrupt(`update, FIFO script, ${signal}`, run, /^/, signal);
    });

    it(`${signal} during doctor with the zone file a FIFO`, async () => {
      await plantFifo(l.zoneFile);
      const run = await runCli(named, ['doctor', 'dyn.test', '--named-pid', String(named.pid)]);
      // The doctor finishes on its own now (it hung on the FIFO before); if it is still running
      // after 20 s, it must end on the signal. Either way the process ends.
      let timer: NodeJS.Timeout | undefined;
      const early = await Promise.race([
        run.exited,
        new Promise<'running'>((done) => {
          timer = setTimeout(() => done('running'), 20_000);
        }),
      ]);
      clearTimeout(timer);
      if (early === 'running') {
        await interrupt(`doctor, FIFO zone file, ${signal}`, run, /^/, signal);
      } else {
        figures.push(`doctor, FIFO zone file: finished by itself (exit ${early.code})`);
        expect([0, 1, 2], run.output()).toContain(early.code);
      }
      releaseFifos();
      // named rewrites the zone file over the FIFO.
      (await l.rndc.sync('dyn.test', { verify: { timeoutMs: 10_000 } })).unwrap();
    });

    it(`${signal} while named does not answer (rndc mode)`, async () => {
      expect(named.kill('SIGSTOP')).toBe(true);
      try {
        const run = await runCli(named, ['status'], ['-V']);
        await run.waitFor(/sending 'status'/);
        await new Promise((r) => setTimeout(r, 500));
        await interrupt(`status, named stopped, ${signal}`, run, /^/, signal);
      } finally {
        named.kill('SIGCONT');
      }
    });
  }
});
