// The `rndc-js` command line, driven as a user would: spawned processes against a real named.
// rndc mode is compared byte for byte with BIND's rndc (program name substituted); sync/freeze
// --verify, doctor and triggers are checked for their text, their --json documents and their exit
// codes, healthy and broken; no output ever shows the key's secret.
import { spawn } from 'node:child_process';
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { dumpTriggers } from '../../src/dump/triggers.js';
import {
  type BinaryResult,
  type BindVersion,
  findBinary,
  freePort,
  type NamedInstance,
  runBinary,
  runRndcBinary,
  startNamed,
} from '../../src/testing/index.js';
import { UpdateClient } from '../../src/update/client.js';
import { Update } from '../../src/update/update.js';
import { CLI_FROM_SOURCE, fakeIo } from '../helpers/cli-io.js';
import { dumpBehaviour } from '../helpers/dump-versions.js';
import { readOnlyZonesDir } from '../helpers/layouts.js';
import { runOnTerminal } from '../helpers/pty.js';

const ROOT = resolve('.');

/** rndc's first line when named closes the connection unanswered (a key it does not accept). */
const RNDC_EOF_LINE: Record<BindVersion, string> = {
  '9.16': 'rndc: connection to remote host closed',
  '9.18': 'rndc: connection to remote host closed.',
  '9.20': 'rndc: connection to remote host closed.',
};

let named: NamedInstance;
let conf: string;
let scratch: string;
let counter = 0;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  named = await startNamed();
  conf = named.rndcConfFile();
  scratch = await mkdtemp(join(tmpdir(), 'rndc-cli-'));
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await named?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Runs `rndc-js ARGS…` as a process (stdout/stderr are pipes, not a TTY). */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<BinaryResult> {
  return runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
    cwd: ROOT,
    timeoutMs: 60_000,
    env,
  });
}

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON documents, checked field by field
function json(result: BinaryResult): Record<string, any> {
  // Exactly one JSON document and nothing else on stdout.
  return JSON.parse(result.stdout);
}

function noStackTrace(result: BinaryResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).not.toMatch(/^\s+at /m);
}

async function addRecord(instance: NamedInstance, zone = 'dyn.test'): Promise<void> {
  counter++;
  const updates = new UpdateClient({
    server: '127.0.0.1',
    port: instance.dnsPort,
    key: instance.keys['hmac-sha256'],
    timeoutMs: 5000,
  });
  try {
    (
      await updates.send(new Update(zone).add(`c${counter} 300 A 192.0.2.${counter % 250}`))
    ).unwrap();
  } finally {
    updates.close();
  }
}

/** A copy of dyn.test's zone file in `scratch/<dir>`: a file named never writes. */
async function zoneFileCopy(dir: string): Promise<string> {
  await mkdir(join(scratch, dir), { recursive: true });
  const copy = join(scratch, dir, 'dyn.test.db');
  await copyFile(named.zones.find((z) => z.name === 'dyn.test')!.path, copy);
  return copy;
}

describe('rndc mode: identical to rndc (program name aside)', () => {
  const same = async (args: readonly string[]) => {
    const reference = await runRndcBinary(named, args);
    const ours = await cli(['-c', conf, ...args]);
    const substitute = (text: string) => text.replaceAll(/^rndc:/gm, 'rndc-js:');
    expect(
      { stdout: ours.stdout, stderr: ours.stderr, exitCode: ours.exitCode },
      `rndc-js ${args.join(' ')}`,
    ).toEqual({
      stdout: substitute(reference.stdout),
      stderr: substitute(reference.stderr),
      exitCode: reference.exitCode,
    });
    return ours;
  };

  it('zonestatus, -q, -r, a missing zone, an unknown command, refusals', async () => {
    expect((await same(['zonestatus', 'dyn.test'])).stdout).toMatch(/^name: dyn\.test$/m);
    await same(['zonestatus', 'static.test']);
    await same(['-q', 'zonestatus', 'dyn.test']);
    await same(['-r', 'zonestatus', 'dyn.test']);
    await same(['-qr', 'zonestatus', 'dyn.test']);
    expect((await same(['zonestatus', 'nope.test'])).exitCode).toBe(1);
    await same(['-q', 'zonestatus', 'nope.test']);
    await same(['-r', 'zonestatus', 'nope.test']);
    expect((await same(['frobnicate'])).exitCode).toBe(1);
    await same(['reload', 'dyn.test']); // a dynamic zone: refused
    await same(['freeze', 'static.test']); // not dynamic
    await same(['zonestatus']); // missing argument
  });

  it('freeze and thaw', async () => {
    const reference = [
      await runRndcBinary(named, ['freeze', 'dyn.test']),
      await runRndcBinary(named, ['freeze', 'dyn.test']),
      await runRndcBinary(named, ['thaw', 'dyn.test']),
    ];
    const ours = [
      await cli(['-c', conf, 'freeze', 'dyn.test']),
      await cli(['-c', conf, 'freeze', 'dyn.test']),
      await cli(['-c', conf, 'thaw', 'dyn.test']),
    ];
    for (const [i, r] of reference.entries()) {
      expect(ours[i]?.stdout).toBe(r.stdout);
      expect(ours[i]?.stderr).toBe(r.stderr.replaceAll(/^rndc:/gm, 'rndc-js:'));
      expect(ours[i]?.exitCode).toBe(r.exitCode);
    }
    expect(ours[1]?.stderr).toMatch(/^rndc-js: 'freeze' failed: already frozen\n/);
  });

  it('status: same lines and structure (counters normalised)', async () => {
    const normalise = (text: string) =>
      text
        .replaceAll(/\d+/g, 'N')
        .split('\n')
        .map((line) => line.split(':')[0]);
    const reference = await runRndcBinary(named, ['status']);
    const ours = await cli(['-c', conf, 'status']);
    expect(ours.exitCode).toBe(0);
    expect(ours.stderr).toBe('');
    expect(normalise(ours.stdout)).toEqual(normalise(reference.stdout));
    expect(ours.stdout).toMatch(/^server is up and running$/m);
  });

  it('connection refused: rndc’s line, then the likely causes', async () => {
    const port = String(await freePort());
    const reference = await runRndcBinary(named, ['status'], { extraArgs: ['-p', port] });
    const ours = await cli(['-c', conf, `-p${port}`, 'status']);
    expect(ours.exitCode).toBe(1);
    expect(reference.exitCode).toBe(1);
    const [first, ...rest] = ours.stderr.split('\n');
    expect(first).toBe(reference.stderr.split('\n')[0]?.replace(/^rndc:/, 'rndc-js:'));
    expect(first).toMatch(/^rndc-js: connect failed: 127\.0\.0\.1#\d+: connection refused$/);
    expect(rest[0]).toBe('  likely causes:');
    expect(ours.stderr).toMatch(/^ {2}- named is not running/m);
    expect(ours.stderr).toMatch(/^ {2}remedy: /m);
    expect(ours.stdout).toBe('');
    noStackTrace(ours);
  });

  it('a key named does not accept: rndc’s line, then what may be wrong', async () => {
    const wrong = join(scratch, 'wrong-key.conf');
    await writeFile(
      wrong,
      (await readFile(conf, 'utf8')).replace(/algorithm\s+[^;]+;/, 'algorithm hmac-sha512;'),
    );
    const version = named.bindVersion;
    if (version === undefined) throw new Error(`unsupported named ${named.version}`);
    const reference = await runBinary(findBinary('rndc', { version }) ?? 'rndc', [
      '-c',
      wrong,
      'status',
    ]);
    const ours = await cli(['-c', wrong, 'status']);
    expect(reference.exitCode).toBe(1);
    expect(ours.exitCode).toBe(1);
    // rndc-js prints one line whatever the version (9.18's and 9.20's); 9.16's rndc lacks the period.
    expect(reference.stderr.split('\n')[0]).toBe(RNDC_EOF_LINE[version]);
    const first = ours.stderr.split('\n')[0];
    expect(first).toBe('rndc-js: connection to remote host closed.');
    expect(ours.stderr).toMatch(/^ {2}- the key algorithm differs/m);
    noStackTrace(ours);
  });
});

describe('interrupted before the reply (in-process, signal already aborted)', () => {
  it('rndc mode: one line naming the signal, exit 130', async () => {
    const io = {
      ...fakeIo({ cwd: ROOT }),
      signal: AbortSignal.abort(new Error('interrupted by SIGINT')),
    };
    expect(await runCli(['-c', conf, 'status'], io)).toBe(130);
    expect(io.err()).toMatch(
      /^rndc-js: interrupted by SIGINT: [^\n]*(was not sent|no reply)[^\n]*\n$/,
    );
    expect(io.out()).toBe('');
  });
});

describe('--json in rndc mode', () => {
  it('success, a failure named reported, and a connection failure', async () => {
    const ok = await cli(['-c', conf, '--json', 'zonestatus', 'dyn.test']);
    expect(ok.exitCode).toBe(0);
    expect(ok.stderr).toBe('');
    expect(json(ok)).toMatchObject({
      ok: true,
      command: 'zonestatus dyn.test',
      server: `127.0.0.1#${named.controlPort}`,
      result: 0,
      resultName: 'ISC_R_SUCCESS',
      err: null,
      diskEffect: null,
    });
    expect(json(ok).text).toMatch(/^name: dyn\.test$/m);

    // --json may also follow the command words.
    const sync = await cli(['-c', conf, 'sync', 'dyn.test', '--json']);
    expect(sync.exitCode).toBe(0);
    expect(json(sync)).toMatchObject({ ok: true, command: 'sync dyn.test', text: '' });
    expect(json(sync).diskEffect.summary).toMatch(/asynchronous: verify/);
    expect(json(sync).diskEffect.journalDeleted).toBe(false);

    const missing = await cli(['-c', conf, '--json', 'zonestatus', 'nope.test']);
    expect(missing.exitCode).toBe(1);
    expect(json(missing)).toMatchObject({
      ok: false,
      command: 'zonestatus nope.test',
      result: 23,
      resultName: 'ISC_R_NOTFOUND',
      err: 'not found',
      error: { kind: 'not-found' },
    });
    expect(json(missing).error.causes.length).toBeGreaterThan(0);

    const refused = await cli(['-c', conf, '-p', String(await freePort()), '--json', 'status']);
    expect(refused.exitCode).toBe(1);
    const document = json(refused);
    expect(document.ok).toBe(false);
    expect(document.error.kind).toBe('connect-failed');
    expect(document.error.message).toMatch(/connection refused/);
    expect(document.error.remedy).toMatch(/controls/);

    const noConfig = await cli(['-c', join(scratch, 'absent.conf'), '--json', 'status']);
    expect(noConfig.exitCode).toBe(1);
    expect(json(noConfig)).toMatchObject({ ok: false, error: { kind: 'no-config' } });
  });
});

describe('usage and configuration errors', () => {
  it('unknown options, bad values and no command: one line and a hint, exit 1', async () => {
    for (const args of [
      ['-Z', 'status'],
      ['--frob', 'status'],
      ['-p', 'x', 'status'],
      ['-p', '70000', 'status'],
      ['-t', '0', 'status'],
      ['-c'],
      ['-c', conf, 'doctor'],
      // Without a zone, sync --verify proves every zone; a zone file needs the zone it is for.
      ['-c', conf, 'sync', '--verify', '--zone-file', 'dyn.test.zone'],
      ['-c', conf, 'sync', 'dyn.test', '--verify', '--wait', 'soon'],
      ['-c', conf, 'triggers', 'extra'],
    ]) {
      const result = await cli(args);
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(
        /^rndc-js: \S.*\nTry 'rndc-js --help' for usage\.\n$/,
      );
      expect(result.stdout).toBe('');
      noStackTrace(result);
    }
    const none = await cli([]);
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/^Usage: rndc-js/);
  });

  it('--help, --version', async () => {
    const help = await cli(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: rndc-js/);
    expect(help.stdout).toMatch(/doctor/);
    const version = await cli(['--version']);
    expect(version.exitCode).toBe(0);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
    expect(version.stdout).toBe(`rndc-js ${pkg.version}\n`);
  });

  it('a missing or broken rndc.conf: the file (and line), the causes, no stack trace', async () => {
    const missing = await cli(['-c', join(scratch, 'absent.conf'), 'status']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^rndc-js: .*absent\.conf does not exist/);
    const broken = join(scratch, 'broken.conf');
    await writeFile(broken, 'options {\n  default-server 127.0.0.1;\n  default-key "k"\n};\n');
    const syntax = await cli(['-c', broken, 'status']);
    expect(syntax.exitCode).toBe(1);
    expect(syntax.stderr).toMatch(/broken\.conf:\d+/);
    noStackTrace(syntax);
  });
});

describe('secrets', () => {
  it('the key’s secret appears in no output: -V, --json, errors, debug output', async () => {
    const text = await readFile(conf, 'utf8');
    const secret = /secret\s+"([^"]+)"/.exec(text)?.[1];
    expect(secret).toBeTruthy();
    const hex = Buffer.from(secret as string, 'base64').toString('hex');
    const badSecret = join(scratch, 'bad-secret.conf');
    // The secret with one character broken: a base64 error must not echo it either.
    await writeFile(badSecret, text.replace(secret as string, `${secret}!!`));
    const wrongAlg = join(scratch, 'wrong-alg.conf');
    await writeFile(wrongAlg, text.replace(/algorithm\s+[^;]+;/, 'algorithm hmac-sha512;'));
    const runs = [
      await cli(['-V', '-c', conf, 'status'], { DEBUG: 'rndc:*' }),
      await cli(['-V', '-c', conf, '--json', 'zonestatus', 'dyn.test'], { DEBUG: 'rndc:*' }),
      await cli(['-V', '-c', conf, '-y', 'no-such-key', 'status']),
      await cli(['-V', '-c', badSecret, 'status']),
      await cli(['-V', '-c', badSecret, '--json', 'status']),
      await cli(['-V', '-c', wrongAlg, '-t', '5', 'status'], { DEBUG: 'rndc:*' }),
      await cli(['-V', '-c', wrongAlg, '-t', '5', '--json', 'status']),
      await cli(['-V', '-c', conf, 'sync', 'dyn.test', '--verify', '--json']),
      await cli(['-V', '-c', conf, 'doctor', 'dyn.test']),
    ];
    expect(runs[0]?.stderr).toMatch(/using server 127\.0\.0\.1/);
    expect(runs[0]?.stderr).toMatch(/using key "/);
    // DEBUG still reaches the library's debug output in the executable (log.ts, main.ts).
    expect(runs[0]?.stderr).toMatch(/rndc:control .*status/);
    expect(runs[2]?.exitCode).toBe(1);
    expect(runs[3]?.exitCode).toBe(1);
    expect(runs[5]?.exitCode).toBe(1);
    for (const run of runs) {
      for (const output of [run.stdout, run.stderr]) {
        expect(output).not.toContain(secret);
        expect(output).not.toContain(hex);
        expect(output).not.toContain((secret as string).slice(0, 16));
      }
      noStackTrace(run);
    }
  });
});

describe('sync/freeze --verify', () => {
  it('healthy: proven written, evidence printed, exit 0; --json too', async () => {
    await addRecord(named);
    const result = await cli([
      '-c',
      conf,
      'sync',
      'dyn.test',
      '--verify',
      '--named-log',
      named.logFile,
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^dyn\.test: WRITTEN \(proven\)$/m);
    const served = /served (\d+), file \d+ before → (\d+) now/.exec(result.stdout);
    expect(served?.[1]).toBe(served?.[2]);
    expect(result.stdout).toMatch(/^ {2}zone file: +\/.*dyn\.test\.db$/m);
    expect(result.stdout).toMatch(/^ {2}journal: +serials /m);
    expect(result.stdout).toMatch(/^ {2}named log: +no dump or journal errors logged$/m);
    // Not a terminal: no progress line.
    expect(result.stderr).toBe('');

    await addRecord(named);
    const frozen = await cli([
      '-c',
      conf,
      '--json',
      'freeze',
      'dyn.test',
      '--verify',
      '--named-conf',
      named.configFile,
      '--wait',
      '20',
    ]);
    expect(frozen.exitCode, frozen.stderr).toBe(0);
    expect(frozen.stderr).toBe('');
    const document = json(frozen);
    expect(document).toMatchObject({
      ok: true,
      command: 'freeze',
      zone: 'dyn.test',
      verdict: 'written',
      reply: { command: 'freeze dyn.test', result: 0, err: null },
      error: null,
    });
    expect(document.evidence.servedSerial).toBe(document.evidence.fileSerialAfter);
    expect(document.evidence.fileSerialBefore).toBeLessThan(document.evidence.fileSerialAfter);
    expect(typeof document.evidence.mtimeAfter).toBe('string');
    expect(document.evidence.diagnosis).toBeNull();
    expect((await cli(['-c', conf, 'thaw', 'dyn.test'])).exitCode).toBe(0);

    // Without --verify, sync is passed through exactly as rndc sends it.
    const plain = await cli(['-c', conf, 'sync', 'dyn.test']);
    expect(plain).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('cannot prove either way before --wait: exit 3', async () => {
    await addRecord(named);
    const copy = await zoneFileCopy('elsewhere');
    const result = await cli([
      '-c',
      conf,
      'sync',
      'dyn.test',
      '--verify',
      '--zone-file',
      copy,
      '--wait',
      '1',
    ]);
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stdout).toMatch(/^dyn\.test: NOT PROVEN/m);
    expect(result.stderr).toMatch(/^rndc-js: 'sync' not verified: /);
    noStackTrace(result);
  });

  it('SIGINT while waiting: exit 130 promptly, one line on stderr, no stack trace', async () => {
    await addRecord(named);
    // A copy named never writes: the verification would wait the full 30 s.
    const copy = await zoneFileCopy('interrupted');
    // -V prints one line just before the wait starts: the signal comes after it (stdout and
    // stderr are pipes, so there is no progress line to wait for).
    const args = ['-V', '-c', conf, 'sync', 'dyn.test', '--verify', '--zone-file', copy];
    const child = spawn(process.execPath, [...CLI_FROM_SOURCE, ...args, '--wait', '30'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const waiting = new Promise<void>((resolveWaiting) => {
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        if (/verifying the dump\n/.test(stderr)) resolveWaiting();
      });
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on('close', (code, signal) => done({ code, signal })),
    );
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await Promise.race([waiting, exited]);
      expect(stderr, 'the wait started').toMatch(/verifying the dump\n/);
      await new Promise((r) => setTimeout(r, 300));
      const sent = Date.now();
      child.kill('SIGINT');
      const exit = await exited;
      // Promptly: long before the 30 s wait would have ended (a bound, not a measurement).
      expect(Date.now() - sent).toBeLessThan(10_000);
      expect(exit).toEqual({ code: 130, signal: null });
    } finally {
      clearTimeout(watchdog);
    }
    const [, after] = stderr.split(/verifying the dump\n/);
    expect(after, stderr).toBe(
      'rndc-js: interrupted by SIGINT: the dump of dyn.test was not proven (named may still write it)\n',
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stdout).not.toMatch(/^\s+at /m);
    expect(stdout).toBe('');
  });

  it('progress line only on a terminal (in-process, fake TTY)', async () => {
    const run = async (isTTY: boolean) => {
      const io = fakeIo({ isTTY, cwd: ROOT });
      await addRecord(named);
      const status = await runCli(
        ['-c', conf, 'sync', 'dyn.test', '--verify', '--named-log', named.logFile],
        io,
      );
      return { status, stdout: io.out(), stderr: io.err() };
    };
    const tty = await run(true);
    expect(tty.status).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(tty.stderr.startsWith(`\r${ESC}[Krndc-js: waiting for named to write dyn.test … `)).toBe(
      true,
    );
    // The time spent and the verification's deadline (10 s unless --wait).
    expect(tty.stderr).toMatch(/waiting for named to write dyn\.test … \d+\.\d s of 10 s/);
    // Erased before the final output.
    expect(tty.stderr.endsWith(`\r${ESC}[K`)).toBe(true);
    expect(tty.stdout).toMatch(/WRITTEN/);
    const piped = await run(false);
    expect(piped.status).toBe(0);
    expect(piped.stderr).toBe('');
  });

  it('progress line on a real terminal (pty): --wait as the deadline, erased before the evidence; none with --json', async () => {
    await addRecord(named);
    const args = ['-c', conf, 'sync', 'dyn.test', '--verify', '--wait', '30', '--named-log'];
    const shown = await runOnTerminal(
      process.execPath,
      [...CLI_FROM_SOURCE, ...args, named.logFile],
      [],
    );
    expect(shown.exitCode, shown.output).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(shown.output).toMatch(
      /rndc-js: waiting for named to write dyn\.test … \d+\.\d s of 30 s/,
    );
    // Erased (erase-line) before the evidence is printed.
    const erased = shown.output.lastIndexOf(`${ESC}[K`);
    expect(erased).toBeGreaterThan(-1);
    expect(shown.output.indexOf('WRITTEN', erased)).toBeGreaterThan(erased);
    await addRecord(named);
    const quiet = await runOnTerminal(
      process.execPath,
      [...CLI_FROM_SOURCE, '--json', ...args, named.logFile],
      [],
    );
    expect(quiet.exitCode, quiet.output).toBe(0);
    expect(quiet.output).not.toContain('waiting for named');
    expect(quiet.output).not.toContain(ESC);
    expect(JSON.parse(quiet.output).verdict).toBe('written');
  });
});

describe('doctor', () => {
  it('healthy zone: no problems, exit 0; --json; --zone-file', async () => {
    // --named-binary: the version under test may be BIND under /opt (its executable, not a
    // wrapper); the identity is verified against it.
    const binary = ['--named-binary', named.namedBinary];
    const text = await cli([
      '-c',
      conf,
      'doctor',
      'dyn.test',
      '--named-pid',
      String(named.pid),
      ...binary,
    ]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^zone storage diagnosis of dyn\.test$/m);
    expect(text.stdout).toMatch(/^ {2}zone file: +\/.*zones\/dyn\.test\.db$/m);
    expect(text.stdout).toMatch(/^ {2}identity: +from --named-pid, verified /m);
    expect(text.stdout).toMatch(/^no problems found/m);

    const document = await cli(['-c', conf, '--json', 'doctor', 'dyn.test', ...binary]);
    expect(document.exitCode).toBe(0);
    const d = json(document);
    expect(d).toMatchObject({ ok: true, zone: 'dyn.test', error: null });
    expect(d.diagnosis.findings).toEqual([]);
    expect(d.diagnosis.errors).toBe(0);
    expect(d.diagnosis.identity.source).toMatch(/pid/);

    const path = named.zones.find((z) => z.name === 'dyn.test')!.path;
    const byFile = await cli([
      'doctor',
      '--zone-file',
      path,
      '--named-pid',
      String(named.pid),
      ...binary,
      '--json',
    ]);
    expect(byFile.exitCode, byFile.stderr).toBe(0);
    expect(json(byFile)).toMatchObject({ ok: true, zone: null, diagnosis: { zoneFile: path } });
  });

  it('cannot diagnose: exit 2 with the reason', async () => {
    const missing = await cli(['-c', conf, 'doctor', 'nope.test']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/^rndc-js: doctor: .*not found/);
    const noFile = await cli(['doctor', '--zone-file', join(scratch, 'no/such.db'), '--json']);
    expect(noFile.exitCode).toBe(2);
    expect(json(noFile)).toMatchObject({
      ok: false,
      diagnosis: null,
      error: { kind: 'zone-file-not-found' },
    });
    noStackTrace(noFile);
  });
});

describe('a zone directory named cannot write (named -u nobody, chmod 555)', () => {
  let broken: NamedInstance;
  let brokenConf: string;

  beforeAll(async () => {
    broken = await startNamed(readOnlyZonesDir());
    cleanups.push(() => broken.stop());
    brokenConf = broken.rndcConfFile();
  });

  /** `rndc-js -c CONF GLOBAL… sync dyn.test --verify EXTRA…`, with named's log and pid. */
  const syncVerify = (global: readonly string[] = [], extra: readonly string[] = []) =>
    cli([
      '-c',
      brokenConf,
      ...global,
      'sync',
      'dyn.test',
      '--verify',
      ...extra,
      '--named-log',
      broken.logFile,
      '--named-pid',
      String(broken.pid),
      '--named-binary',
      broken.namedBinary,
    ]);

  it('sync --verify: rndc says nothing, rndc-js says failed at open, why, and what to do', async () => {
    const behaviour = dumpBehaviour(broken.bindVersion);
    await addRecord(broken);
    // BIND's rndc: success before 9.20; on 9.20 one line, `permission denied`, and nothing else.
    const reference = await runRndcBinary(broken, ['sync', 'dyn.test']);
    expect(reference).toMatchObject({
      exitCode: behaviour.rndcSyncOpenFailure.exitCode,
      stdout: behaviour.rndcSyncOpenFailure.stdout,
    });
    expect(reference.stderr).toMatch(behaviour.rndcSyncOpenFailure.stderr);
    await addRecord(broken);
    const result = await syncVerify();
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^dyn\.test: FAILED$/m);
    expect(result.stdout).toMatch(/^ {2}failed step: +open$/m);
    expect(result.stdout).toMatch(/^ {2}named log: +\d+ matching line\(s\):$/m);
    expect(result.stdout).toMatch(/dumping master file/);
    expect(result.stdout).toMatch(/ERROR zone-dir-not-writable: /);
    expect(result.stdout).toMatch(/^ {2}remedy: +named cannot create files/m);
    expect(result.stderr).toMatch(/^rndc-js: 'sync' failed: /);
    expect(result.stderr).toMatch(/^ {2}remedy: /m);
    noStackTrace(result);

    await addRecord(broken);
    const asJson = await syncVerify(['--json']);
    expect(asJson.exitCode).toBe(1);
    const document = json(asJson);
    expect(document).toMatchObject({
      ok: false,
      command: 'sync',
      verdict: 'failed',
      evidence: { failedStep: 'open', logRead: true },
      error: { kind: 'dump-failed' },
    });
    expect(document.evidence.fileSerialAfter).toBeLessThan(document.evidence.servedSerial);
    expect(document.evidence.diagnosis.findings.map((f: { code: string }) => f.code)).toContain(
      'zone-dir-not-writable',
    );
    expect(document.evidence.logEvents[0].lines.join('\n')).toMatch(/dumping master file/);
    // named's own answer: none when it said success, its failure when it refused (9.20).
    expect(document.reply?.err ?? null).toBe(behaviour.openFailureAnswer?.sync ?? null);
  });

  it('sync --verify --clean: the clean is refused with the reason, exit 1, the journal kept', async () => {
    await addRecord(broken);
    const journal = join(broken.dir, 'jnl/dyn.test.db.jnl');
    await access(journal);
    const result = await syncVerify([], ['--clean']);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^dyn\.test: FAILED$/m);
    expect(result.stdout).toMatch(/^ {2}failed step: +open$/m);
    expect(result.stdout).not.toMatch(/journal: +deleted/);
    // Refused, and why: the dump was not verified, with the evidence's summary.
    expect(result.stderr).toMatch(
      /^rndc-js: 'sync' failed: refusing to delete the journal of dyn\.test: the dump was not verified \(.+\)\. The journal still holds the changes\.$/m,
    );
    expect(result.stderr).toMatch(/^ {2}remedy: /m);
    noStackTrace(result);
    // The journal, the only persistent copy of the changes, is still there.
    await access(journal);
  });

  it('freeze --verify: FAILED at open, exit 1, and whether the zone is frozen (9.20 refuses the freeze and leaves it thawed)', async () => {
    const behaviour = dumpBehaviour(broken.bindVersion);
    await addRecord(broken);
    const result = await cli([
      '-c',
      brokenConf,
      'freeze',
      'dyn.test',
      '--verify',
      '--named-log',
      broken.logFile,
    ]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^dyn\.test: FAILED$/m);
    expect(result.stdout).toMatch(/^ {2}failed step: +open$/m);
    expect(result.stdout).toMatch(/^ {2}remedy: +named cannot create files/m);
    expect(result.stderr).toMatch(/^rndc-js: 'freeze' failed: /);
    expect(result.stderr).toContain(
      behaviour.frozenAfterFailedOpen
        ? 'The zone is frozen nevertheless'
        : 'named did not freeze the zone: it still accepts updates',
    );
    noStackTrace(result);
    const status = await runRndcBinary(broken, ['zonestatus', 'dyn.test']);
    expect(status.stdout).toMatch(
      behaviour.frozenAfterFailedOpen ? /^frozen: yes$/m : /^frozen: no$/m,
    );
    expect((await runRndcBinary(broken, ['thaw', 'dyn.test'])).exitCode).toBe(0);
  });

  it('doctor: the finding with its remedy, exit 1; --json', async () => {
    const text = await cli([
      '-c',
      brokenConf,
      'doctor',
      'dyn.test',
      '--named-pid',
      String(broken.pid),
      '--named-binary',
      broken.namedBinary,
    ]);
    expect(text.exitCode, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/^ {2}named runs as: .*uid 65534/m);
    expect(text.stdout).toMatch(/^ {2}ERROR zone-dir-not-writable: /m);
    expect(text.stdout).toMatch(/^ {6}remedy: /m);
    const document = await cli([
      '-c',
      brokenConf,
      '--json',
      'doctor',
      'dyn.test',
      '--named-binary',
      broken.namedBinary,
    ]);
    expect(document.exitCode).toBe(1);
    const d = json(document);
    expect(d.ok).toBe(false);
    expect(d.diagnosis.errors).toBeGreaterThan(0);
    const finding = d.diagnosis.findings.find(
      (f: { code: string }) => f.code === 'zone-dir-not-writable',
    );
    expect(finding).toMatchObject({ severity: 'error' });
    expect(typeof finding.remedy).toBe('string');
    expect(Array.isArray(finding.evidence)).toBe(true);
  });
});

describe('triggers', () => {
  it('text table and --json', async () => {
    const text = await cli(['triggers']);
    expect(text.exitCode).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^OPERATION +WRITES +WHEN +SOURCE$/);
    expect(lines).toHaveLength(dumpTriggers.length + 1);
    // Aligned: every row's WRITES column starts where the header's does.
    const column = lines[0]!.indexOf('WRITES');
    for (const [i, trigger] of dumpTriggers.entries()) {
      expect(lines[i + 1]!.startsWith(trigger.operation)).toBe(true);
      expect(lines[i + 1]![column - 1]).toBe(' ');
      expect(lines[i + 1]![column]).not.toBe(' ');
    }
    expect(text.stdout).toMatch(
      /^rndc sync \[zone\] +zone-file, signed-file +async-now +server\.c/m,
    );

    const document = await cli(['triggers', '--json']);
    expect(document.exitCode).toBe(0);
    const rows = json(document) as unknown as Record<string, unknown>[];
    expect(rows).toHaveLength(dumpTriggers.length);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual(
        [
          'commands',
          'deletesJournal',
          'delaySeconds',
          'id',
          'note',
          'operation',
          'source',
          'timing',
          'writes',
        ].sort(),
      );
    }
    expect(rows.find((r) => r.id === 'update')).toMatchObject({
      timing: 'delayed',
      delaySeconds: [676, 900],
      writes: ['journal', 'zone-file'],
    });
    expect(json(await cli(['--json', 'triggers']))).toEqual(rows);
  });
});
