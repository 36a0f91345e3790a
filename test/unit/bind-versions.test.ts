// src/testing/bind-versions.ts and the version choice of findBinary/startNamed/namedVersion:
// RNDC_BIND_VERSION is validated (a typo must not silently test the machine's default BIND),
// RNDC_BIND_ROOT moves the side-by-side tree, and a version's tools come before $PATH's.
// Everything runs against a throwaway root of fake tools; no named is started.
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bindVersionBinDir,
  bindVersionsRoot,
  findBinary,
  installedBindVersions,
  isBindVersion,
  NamedStartError,
  namedVersion,
  SUPPORTED_BIND_VERSIONS,
  selectedBindVersion,
  startNamed,
  toolsBindVersion,
} from '../../src/testing/index.js';

const saved = { version: process.env.RNDC_BIND_VERSION, root: process.env.RNDC_BIND_ROOT };
let root: string;

/** A fake tool that prints `text` for -v/-V and leaves `<root>/ran-<name>` behind otherwise. */
async function fakeTool(version: string, name: string, text: string): Promise<string> {
  const bin = join(root, version, 'bin');
  await mkdir(bin, { recursive: true });
  const path = join(bin, name);
  await writeFile(
    path,
    `#!/bin/sh\ncase "$1" in -v|-V) echo '${text}'; exit 0;; esac\ntouch '${root}/ran-${name}'\nexit 1\n`,
  );
  await chmod(path, 0o755);
  return path;
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rndc-bind-versions-'));
  await fakeTool('9.16', 'named', 'BIND 9.16.50-Debian (Extended Support Version) <id:acf2ba4>');
  await fakeTool('9.16', 'nsupdate', 'nsupdate 9.16.50-Debian');
  await fakeTool('9.20', 'named', 'BIND 9.18.0 (Extended Support Version) <id:>');
  await fakeTool('9.18', 'named', 'not BIND at all');
  // A directory for 9.99 (unsupported) is never listed.
  await fakeTool('9.99', 'named', 'BIND 9.99.0');
});

afterEach(() => {
  for (const [variable, value] of [
    ['RNDC_BIND_VERSION', saved.version],
    ['RNDC_BIND_ROOT', saved.root],
  ] as const) {
    if (value === undefined) delete process.env[variable];
    else process.env[variable] = value;
  }
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('RNDC_BIND_VERSION', () => {
  it('unset or empty: no version selected', () => {
    delete process.env.RNDC_BIND_VERSION;
    expect(selectedBindVersion()).toBeUndefined();
    process.env.RNDC_BIND_VERSION = '';
    expect(selectedBindVersion()).toBeUndefined();
  });

  it.each(SUPPORTED_BIND_VERSIONS)('%s is selected', (version) => {
    process.env.RNDC_BIND_VERSION = version;
    expect(selectedBindVersion()).toBe(version);
  });

  it.each(['9.19', '9.2', '9.20.23', 'v9.20', ' 9.20', '9.20 ', '9', 'latest', '9.18\n'])(
    '%j is refused with the supported list, not taken as "any"',
    (value) => {
      process.env.RNDC_BIND_VERSION = value;
      expect(() => selectedBindVersion()).toThrow(
        `RNDC_BIND_VERSION=${value} is not a supported BIND version (9.16, 9.18, 9.20)`,
      );
    },
  );

  it('isBindVersion accepts exactly the supported lines', () => {
    expect(SUPPORTED_BIND_VERSIONS).toEqual(['9.16', '9.18', '9.20']);
    for (const version of SUPPORTED_BIND_VERSIONS) expect(isBindVersion(version)).toBe(true);
    for (const text of ['', '9.17', '9.20.0', '10.0', 'toString', '__proto__']) {
      expect(isBindVersion(text)).toBe(false);
    }
  });

  it('startNamed: an unsupported RNDC_BIND_VERSION is a bad-option error, nothing is run', async () => {
    process.env.RNDC_BIND_ROOT = root;
    process.env.RNDC_BIND_VERSION = '9.19';
    const error = await startNamed().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NamedStartError);
    expect(error).toMatchObject({ kind: 'bad-option' });
    expect((error as NamedStartError).message).toContain('RNDC_BIND_VERSION=9.19');
    expect((error as NamedStartError).remedy).toContain('9.16, 9.18, 9.20');
  });

  it('startNamed: an unsupported version option (from JavaScript) is a bad-option error', async () => {
    const error = await startNamed({ version: '9.19' as '9.20' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'bad-option' });
    expect((error as NamedStartError).message).toContain('"9.19" is not a supported BIND version');
  });
});

describe('RNDC_BIND_ROOT and the tools of one version', () => {
  it('the root defaults to /opt/bind and follows RNDC_BIND_ROOT', () => {
    delete process.env.RNDC_BIND_ROOT;
    expect(bindVersionsRoot()).toBe('/opt/bind');
    expect(bindVersionBinDir('9.20')).toBe('/opt/bind/9.20/bin');
    process.env.RNDC_BIND_ROOT = root;
    expect(bindVersionsRoot()).toBe(root);
    expect(bindVersionBinDir('9.16')).toBe(join(root, '9.16', 'bin'));
  });

  it('installed versions: those with a named wrapper, supported ones only, in order', () => {
    process.env.RNDC_BIND_ROOT = root;
    expect(installedBindVersions()).toEqual(['9.16', '9.18', '9.20']);
    process.env.RNDC_BIND_ROOT = join(root, 'nothing-here');
    expect(installedBindVersions()).toEqual([]);
  });

  it('findBinary: the version’s directory first (option, else RNDC_BIND_VERSION), then $PATH', () => {
    process.env.RNDC_BIND_ROOT = root;
    delete process.env.RNDC_BIND_VERSION;
    expect(findBinary('nsupdate', { version: '9.16' })).toBe(join(root, '9.16', 'bin', 'nsupdate'));
    process.env.RNDC_BIND_VERSION = '9.16';
    expect(findBinary('nsupdate')).toBe(join(root, '9.16', 'bin', 'nsupdate'));
    // A tool the version's directory lacks comes from $PATH / sbin, never from another version.
    expect(findBinary('sh')).toMatch(/^\/(usr\/)?bin\/sh$/);
    expect(findBinary('nsupdate', { version: '9.20' })).not.toBe(
      join(root, '9.16', 'bin', 'nsupdate'),
    );
    // A path is taken as is.
    expect(findBinary('/bin/sh', { version: '9.16' })).toBe('/bin/sh');
  });

  it('namedVersion: the release line from named -v; anything else is undefined, not an error', async () => {
    expect(await namedVersion(join(root, '9.16', 'bin', 'named'))).toEqual({
      text: 'BIND 9.16.50-Debian (Extended Support Version) <id:acf2ba4>',
      line: '9.16',
    });
    expect((await namedVersion(join(root, '9.20', 'bin', 'named'))).line).toBe('9.18');
    expect(await namedVersion(join(root, '9.18', 'bin', 'named'))).toEqual({
      text: 'not BIND at all',
      line: undefined,
    });
    expect((await namedVersion(join(root, '9.99', 'bin', 'named'))).line).toBeUndefined();
    expect(await namedVersion(join(root, 'missing'))).toEqual({ text: '', line: undefined });
  });

  it('toolsBindVersion: RNDC_BIND_VERSION when set, else what named on $PATH reports', async () => {
    process.env.RNDC_BIND_VERSION = '9.16';
    expect(await toolsBindVersion()).toBe('9.16');
    process.env.RNDC_BIND_VERSION = 'nine';
    await expect(toolsBindVersion()).rejects.toThrow('RNDC_BIND_VERSION=nine');
    delete process.env.RNDC_BIND_VERSION;
    const named = findBinary('named');
    const expected = named === undefined ? undefined : (await namedVersion(named)).line;
    expect(await toolsBindVersion()).toBe(expected);
  });

  it('startNamed({ version }) refuses a binary that reports another version, before running it', async () => {
    process.env.RNDC_BIND_ROOT = root;
    delete process.env.RNDC_BIND_VERSION;
    for (const [version, says] of [
      ['9.20', 'BIND 9.18.0'],
      ['9.18', 'not BIND at all'],
    ] as const) {
      const error = await startNamed({ version }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ kind: 'wrong-version' });
      expect((error as NamedStartError).message).toContain(says);
    }
    expect(await readdir(root)).not.toContain('ran-named');
  });
});
