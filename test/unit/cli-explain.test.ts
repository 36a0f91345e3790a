// `rndc-js explain` in-process and as a process: a file, a stdin pipe, a missing file, usage
// errors, --json, and a hostile log whose control characters must not reach the terminal.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { runBinary } from '../../src/testing/index.js';
import { CLI_FROM_SOURCE, fakeIo } from '../helpers/cli-io.js';
import { PASTE_FORMS, SEED } from '../helpers/pasted-logs.js';

const scratch = mkdtempSync(join(tmpdir(), 'rndc-cli-explain-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const K9S = `${SEED.map((line, i) => PASTE_FORMS.k9s!(line, i)).join('\n')}\n`;
const CAUSE = 'the zone file is a mount point (EBUSY), typical of a ConfigMap subPath';

describe('rndc-js explain (in-process)', () => {
  it("the seed's k9s paste on stdin: zone file, step, cause, remedy, evidence; exit 1", async () => {
    const io = fakeIo({ stdin: K9S });
    expect(await runCli(['explain'], io)).toBe(1);
    const out = io.out();
    expect(out).toMatch(/^zone file dyn\/dyn\.example\.com\.zone$/m);
    expect(out).toMatch(/^ {2}dumps fail at rename: unexpected error$/m);
    expect(out).toContain(`cause:    ${CAUSE}`);
    expect(out).toMatch(/remedy: +do not mount the zone file by itself .*docs\/kubernetes\.md/);
    // Evidence without the frame and padding.
    expect(out).toMatch(
      /^ +3 {2}11-Jul-2025 08:21:55\.352 dumping master file: rename: dyn\/dyn\.example\.com\.zone: unexpected error$/m,
    );
    expect(io.err()).toBe('');
  });

  it('a file, with --json (global or after the command): one document', async () => {
    const file = join(scratch, 'seed.log');
    writeFileSync(file, K9S);
    for (const args of [
      ['explain', file, '--json'],
      ['--json', 'explain', file],
    ]) {
      const io = fakeIo();
      expect(await runCli(args, io)).toBe(1);
      const doc = JSON.parse(io.out());
      expect(doc).toMatchObject({
        ok: false,
        source: file,
        complete: true,
        lines: 3,
        problemCount: 1,
        zones: [
          {
            zones: [],
            zoneFile: 'dyn/dyn.example.com.zone',
            problems: [
              {
                area: 'dump',
                step: 'rename',
                cause: { id: 'zone-file-mount-point', text: CAUSE },
                unexpectedErrorAt: 'errno2result.c:123',
                errno: null,
              },
            ],
          },
        ],
        error: null,
      });
    }
  });

  it('nothing wrong: exit 0, and says when no line was recognised at all', async () => {
    const healthy = fakeIo({
      stdin: "24-Nov-2026 17:47:11.316 general: info: sync: dumping zone 'a/IN': success\n",
    });
    expect(await runCli(['explain', '-'], healthy)).toBe(0);
    expect(healthy.out()).toMatch(/nothing wrong found: no failed dump/);
    const unknown = fakeIo({ stdin: 'hello\nworld\n' });
    expect(await runCli(['explain'], unknown)).toBe(0);
    expect(unknown.out()).toMatch(/no line was recognised as named's/);
  });

  it('a missing file: exit 2, the reason on stderr, nothing claimed; --json has the error', async () => {
    const io = fakeIo();
    expect(await runCli(['explain', join(scratch, 'missing.log')], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toMatch(/^rndc-js: cannot read named's log: .*missing\.log does not exist/);
    const j = fakeIo();
    expect(await runCli(['explain', join(scratch, 'missing.log'), '--json'], j)).toBe(2);
    expect(JSON.parse(j.out())).toMatchObject({
      ok: false,
      explanation: null,
      error: { kind: 'not-found' },
    });
  });

  it('usage errors: two files, a bad --wait, an unknown option', async () => {
    for (const args of [
      ['explain', 'a', 'b'],
      ['explain', '--wait', 'soon'],
      ['explain', '--frobnicate'],
    ]) {
      const io = fakeIo();
      expect(await runCli(args, io), args.join(' ')).toBe(1);
      expect(io.err()).toMatch(/^rndc-js: /);
    }
  });

  it("a hostile log's control characters and long lines never reach the terminal", async () => {
    const evil = `dumping master file: rename: dyn/\u001b]0;pwned\u0007x\u009b31m${'y'.repeat(2000)}.zone: permission denied`;
    const io = fakeIo({ stdin: `${evil}\n` });
    expect(await runCli(['explain'], io)).toBe(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking they are absent
    expect(io.out()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    // C0 controls are dropped with the paste's wrappers; a C1 CSI is shown escaped.
    expect(io.out()).toContain('\\x9b31m');
    for (const line of io.out().split('\n')) expect(line.length).toBeLessThan(2600);
  });
});

describe('rndc-js explain (a process)', () => {
  const cli = (args: readonly string[], input?: string) =>
    runBinary(process.execPath, [...CLI_FROM_SOURCE, ...args], {
      timeoutMs: 60_000,
      ...(input !== undefined ? { input } : {}),
    });

  it('stdin pipe, a file, a missing file: exit 1, 1, 2', async () => {
    const piped = await cli(['explain'], K9S);
    expect(piped.exitCode, piped.stderr).toBe(1);
    expect(piped.stdout).toContain(CAUSE);
    const file = join(scratch, 'p.log');
    writeFileSync(file, K9S.replaceAll('\n', '\r\n'));
    const fromFile = await cli(['explain', file]);
    expect(fromFile.exitCode).toBe(1);
    expect(fromFile.stdout).toContain(CAUSE);
    const missing = await cli(['explain', join(scratch, 'nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/does not exist/);
  }, 60_000);

  it('a stream that does not end is read until --wait, then explained', async () => {
    const child = spawn(process.execPath, [...CLI_FROM_SOURCE, 'explain', '--wait', '1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stdin.on('error', () => undefined);
    // The paste, and the pipe kept open (as `kubectl logs -f` would).
    child.stdin.write(K9S);
    const started = Date.now();
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearTimeout(watchdog);
    child.stdin.destroy();
    expect(code).toBe(1);
    expect(stdout).toContain(CAUSE);
    expect(stdout).toMatch(/reading stopped at the deadline \(--wait\)/);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 60_000);
});
