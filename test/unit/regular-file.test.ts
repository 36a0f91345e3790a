import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settleBy } from '../../src/deadline.js';
import {
  describeFileProblem,
  openRegularFile,
  readRegularFile,
} from '../../src/files/regular-file.js';

const dir = mkdtempSync(join(tmpdir(), 'regular-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFile', () => {
  it('reads a regular file, and a symbolic link to one', async () => {
    writeFileSync(join(dir, 'a'), 'hello');
    symlinkSync('a', join(dir, 'link'));
    const read = await readRegularFile(join(dir, 'a'), { maxBytes: 100 });
    expect(read.unwrap().bytes.toString()).toBe('hello');
    const viaLink = await readRegularFile(join(dir, 'link'), { maxBytes: 100 });
    expect(viaLink.unwrap().bytes.toString()).toBe('hello');
    const noFollow = await readRegularFile(join(dir, 'link'), {
      maxBytes: 100,
      followSymlinks: false,
    });
    expect(noFollow.isErr() && noFollow.error.kind).toBe('not-regular');
  });

  it('refuses a FIFO at once instead of blocking (attack: a FIFO planted as a journal)', async () => {
    const fifo = join(dir, 'zone.jnl');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    // Several at once: a blocking open would also exhaust the libuv threadpool.
    const results = await Promise.all(
      Array.from({ length: 8 }, () => readRegularFile(fifo, { maxBytes: 100 })),
    );
    for (const result of results) {
      expect(result.isErr() && result.error).toMatchObject({ kind: 'not-regular', type: 'FIFO' });
    }
    const first = results[0];
    expect(first?.isErr() && describeFileProblem(first.error)).toContain('FIFO');
    // Evidence that nothing blocked: a later fs call still completes.
    const after = await readRegularFile(join(dir, 'a'), { maxBytes: 100 });
    expect(after.isOk()).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('refuses a directory, a device, and a missing file with distinct problems', async () => {
    const asDir = await readRegularFile(dir, { maxBytes: 100 });
    expect(asDir.isErr() && asDir.error).toMatchObject({ kind: 'not-regular', type: 'directory' });
    const device = await openRegularFile('/dev/null');
    expect(device.isErr() && device.error).toMatchObject({
      kind: 'not-regular',
      type: 'character device',
    });
    const missing = await readRegularFile(join(dir, 'nope'), { maxBytes: 100 });
    expect(missing.isErr() && missing.error.kind).toBe('not-found');
    // A NUL byte (an attacker's $INCLUDE): a value, not Node's TypeError (found by the fuzzer).
    const nul = await readRegularFile(join(dir, 'a\0b'), { maxBytes: 100 });
    expect(nul.isErr() && nul.error).toMatchObject({ kind: 'not-found', code: 'EINVAL' });
  });

  it('refuses a file larger than the bound without reading it', async () => {
    writeFileSync(join(dir, 'big'), Buffer.alloc(1000));
    const read = await readRegularFile(join(dir, 'big'), { maxBytes: 999 });
    expect(read.isErr() && read.error).toMatchObject({ kind: 'too-large', size: 1000, limit: 999 });
  });

  it('stops at an aborted signal', async () => {
    writeFileSync(join(dir, 'b'), 'x');
    const read = await readRegularFile(join(dir, 'b'), {
      maxBytes: 10,
      signal: AbortSignal.abort(),
    });
    expect(read.isErr() && read.error.kind).toBe('timeout');
  });
});

describe('settleBy', () => {
  it('settles at the deadline when the work never does', async () => {
    const never = new Promise<string>(() => {});
    const value = await settleBy(never, Date.now() + 50, (why) => why);
    expect(value).toBe('timeout');
  });
  it('settles when the signal aborts, and passes the work through otherwise', async () => {
    const controller = new AbortController();
    const pending = settleBy(
      new Promise<string>(() => {}),
      Date.now() + 60_000,
      (why) => why,
      controller.signal,
    );
    controller.abort();
    expect(await pending).toBe('aborted');
    expect(await settleBy(Promise.resolve('done'), Date.now() + 60_000, (why) => why)).toBe('done');
  });
});
