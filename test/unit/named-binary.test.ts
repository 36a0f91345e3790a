// trustedNamedBinary(): the reference executable of the doctor's `exe` identity check. Bad
// paths are notes (values), never exceptions; defaults are tried in order.
import { chmod, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { trustedNamedBinary } from '../../src/dump/named-binary.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rndc-named-binary-unit-'));
  await chmod(dir, 0o755);
  await symlink(join(dir, 'loop-b'), join(dir, 'loop-a'));
  await symlink(join(dir, 'loop-a'), join(dir, 'loop-b'));
  await writeFile(join(dir, 'wrapper'), '#!/bin/sh\nexec /usr/sbin/named "$@"\n', { mode: 0o755 });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it.each([
  ['a relative path', () => 'sbin/named', /"sbin\/named" is not an absolute path/],
  ['a NUL byte', () => '/usr/sbin/na\0med', /is not an absolute path/],
  ['a missing file', () => join(dir, 'none', 'named'), /was not found \(.*\/none does not exist\)/],
  ['a directory', () => dir, /is not a regular file/],
  ['a symbolic link loop', () => join(dir, 'loop-a'), /cannot be followed/],
  ['a path through a file', () => join(dir, 'wrapper', 'named'), /is not a directory/],
])('%s: a note, no stats', async (_what, path, note) => {
  const binary = await trustedNamedBinary(path());
  expect(binary.stats).toBeUndefined();
  expect(binary.note).toMatch(note);
  expect(binary.note).toMatch(/named's identity cannot be verified/);
});

it('a root-owned script (a wrapper): "is a script, not named\'s executable"', async () => {
  // The suite runs as root (as the doctor does): the wrapper is root's, so only its #! counts.
  expect(process.getuid?.()).toBe(0);
  const binary = await trustedNamedBinary(join(dir, 'wrapper'));
  expect(binary.stats).toBeUndefined();
  expect(binary.note).toMatch(/wrapper is a script, not named's executable/);
});

it('the default: /usr/sbin/named, else /usr/local/sbin/named, else a note naming both', async () => {
  const binary = await trustedNamedBinary(undefined);
  if (binary.stats !== undefined) {
    expect(['/usr/sbin/named', '/usr/local/sbin/named']).toContain(binary.path);
  } else {
    expect(binary.note).toMatch(/\/usr\/sbin\/named, \/usr\/local\/sbin\/named/);
  }
});
