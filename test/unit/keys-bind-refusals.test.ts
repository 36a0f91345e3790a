// Key files BIND refuses or warns about, checked against the tools of every installed BIND
// version: named-checkconf (the rules for named.conf key statements, which parseKeyFile follows),
// `nsupdate -k` (loadNsupdateKey) and rndc (an rndc.conf's default key: loadRndcConf +
// resolveRndcTarget). Each case states what each tool does (measured on 9.16.50, 9.18.49 and
// 9.20.23, the same on all three); the test runs the tool and asserts that, then asserts ours.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNsupdateKey, parseKeyFile, resolveRndcTarget } from '../../src/keys/index.js';
import { bindVersionBinDir, installedBindVersions } from '../../src/testing/bind-versions.js';
import { makeTempDir, SECRET_A, type TempDir } from './keys-fixtures.js';

const versions = installedBindVersions().filter((v) =>
  ['named-checkconf', 'nsupdate', 'rndc'].every((tool) =>
    existsSync(join(bindVersionBinDir(v), tool)),
  ),
);

const block = (name: string, algorithm: string, extra = '') =>
  `key "${name}" {\n\talgorithm ${algorithm};\n\tsecret "${SECRET_A}";\n${extra}};\n`;

/** `ok`, `warn` (accepted with a warning) or `refuse`, per tool. */
type Verdict = 'ok' | 'warn' | 'refuse';

interface Case {
  readonly title: string;
  readonly text: string;
  readonly checkconf: Verdict;
  /** nsupdate -k: refused = a message on stderr (it then carries on unsigned, or exits 1). */
  readonly nsupdate: Verdict;
  readonly rndc: Verdict;
  /** Our message (parseKeyFile / loadNsupdateKey / rndc path), when refused or warned. */
  readonly ours: { keyFile?: RegExp; nsupdate?: RegExp; rndc?: RegExp };
}

const LABEL_64 = 'x'.repeat(64);
const CASES: readonly Case[] = [
  {
    title: 'duplicate key "k" and key "k."',
    text: block('k', 'hmac-sha256') + block('k.', 'hmac-sha256'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'ok',
    ours: { keyFile: /key "k\." already exists/, nsupdate: /'key' redefined/ },
  },
  {
    title: 'duplicate key "k" in other case',
    text: block('k', 'hmac-sha256') + block('K', 'hmac-sha256'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'ok',
    ours: { keyFile: /key "K" already exists/, nsupdate: /'key' redefined/ },
  },
  {
    title: 'an unknown clause in a key block',
    text: block('k', 'hmac-sha256', '\tfoo 1;\n'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'refuse',
    ours: {
      keyFile: /:4: unknown option 'foo' in key "k"/,
      nsupdate: /:4: unknown key clause 'foo'/,
      rndc: /:4: unknown option 'foo' in key "k"/,
    },
  },
  {
    title: 'key name a..b',
    text: block('a..b', 'hmac-sha256'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'ok',
    ours: {
      keyFile: /bad key name \(empty label\)/,
      nsupdate: /bad key name "a\.\.b": empty label/,
    },
  },
  {
    title: 'a 64-character label in the key name',
    text: block(`${LABEL_64}.b`, 'hmac-sha256'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'ok',
    ours: { keyFile: /bad key name \(label too long\)/, nsupdate: /label too long/ },
  },
  {
    title: 'a 300-character key name',
    text: block('y'.repeat(300), 'hmac-sha256'),
    checkconf: 'refuse',
    nsupdate: 'refuse',
    rndc: 'ok',
    ours: { keyFile: /bad key name \(label too long\)/, nsupdate: /label too long/ },
  },
  {
    title: 'a 63-character label is fine',
    text: block(`${'x'.repeat(63)}.b`, 'hmac-sha256'),
    checkconf: 'ok',
    nsupdate: 'ok',
    rndc: 'ok',
    ours: {},
  },
  {
    title: 'hmac-md5.sig-alg.reg.int',
    text: block('k', 'hmac-md5.sig-alg.reg.int'),
    checkconf: 'ok',
    nsupdate: 'refuse',
    rndc: 'refuse',
    ours: {
      nsupdate: /unknown key type 'hmac-md5\.sig-alg\.reg\.int'$/,
      rndc: /unsupported algorithm: hmac-md5\.sig-alg\.reg\.int/,
    },
  },
  {
    title: 'hmac-sha256-64',
    text: block('k', 'hmac-sha256-64'),
    checkconf: 'warn',
    nsupdate: 'ok',
    rndc: 'refuse',
    ours: {
      keyFile: /:2: key 'k' digest-bits too small \[<128\]$/,
      nsupdate: /:2: key 'k' digest-bits too small \[<128\]$/,
      rndc: /unsupported algorithm: hmac-sha256-64/,
    },
  },
  {
    title: 'hmac-md5-64',
    text: block('k', 'hmac-md5-64'),
    checkconf: 'warn',
    nsupdate: 'ok',
    rndc: 'refuse',
    ours: {
      keyFile: /:2: key 'k' digest-bits too small \[<64\]$/,
      nsupdate: /:2: key 'k' digest-bits too small \[<64\]$/,
      rndc: /unsupported algorithm: hmac-md5-64/,
    },
  },
  {
    title: 'hmac-sha1-80 (no warning)',
    text: block('k', 'hmac-sha1-80'),
    checkconf: 'ok',
    nsupdate: 'ok',
    rndc: 'refuse',
    ours: { rndc: /unsupported algorithm: hmac-sha1-80/ },
  },
  {
    title: 'hmac-sha256-65 (not a multiple of 8)',
    text: block('k', 'hmac-sha256-65'),
    checkconf: 'refuse',
    // nsupdate -k rounds up to 72 bits and says nothing; we follow named-checkconf.
    nsupdate: 'ok',
    rndc: 'refuse',
    ours: {
      keyFile: /unknown algorithm 'hmac-sha256-65'/,
      nsupdate: /unknown algorithm 'hmac-sha256-65'/,
      rndc: /unknown algorithm 'hmac-sha256-65'/,
    },
  },
];

let tmp: TempDir;
beforeAll(async () => {
  tmp = await makeTempDir();
});
afterAll(async () => {
  await tmp.remove();
});

function tool(version: string, name: string, args: string[], input = '') {
  const run = spawnSync(join(bindVersionBinDir(version as never), name), args, {
    input,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function write(name: string, text: string): string {
  const path = tmp.path(name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

const rndcConf = (keyText: string, keyName: string) =>
  `${keyText}options { default-key "${keyName}"; default-server 127.0.0.1; default-port 1; };\n`;

const firstKeyName = (text: string) => /key "([^"]*)"/.exec(text)?.[1] ?? '';

it('runs on at least one installed BIND version', () => {
  expect(versions.length).toBeGreaterThan(0);
});

describe.each(versions)('BIND %s tools', (version) => {
  it.each(CASES)('$title', async (c) => {
    const file = write(`case-${version}-${CASES.indexOf(c)}.key`, c.text);

    // named-checkconf: status 1 = refused; a message with status 0 = a warning.
    const check = tool(version, 'named-checkconf', [file]);
    const checkVerdict: Verdict =
      check.status !== 0 ? 'refuse' : check.stdout + check.stderr === '' ? 'ok' : 'warn';
    expect(checkVerdict, check.stdout + check.stderr).toBe(c.checkconf);
    const fileWarnings: string[] = [];
    const ourFile = await parseKeyFile(file, { onWarning: (w) => fileWarnings.push(w) });
    if (c.checkconf === 'refuse') {
      expect(ourFile.isErr()).toBe(true);
      if (c.ours.keyFile) expect(ourFile.isErr() && ourFile.error.message).toMatch(c.ours.keyFile);
    } else {
      expect(ourFile.isOk(), ourFile.isErr() ? ourFile.error.message : '').toBe(true);
      if (c.checkconf === 'warn') {
        expect(fileWarnings).toContainEqual(expect.stringMatching(c.ours.keyFile ?? /^$/));
        // named-checkconf's own text, after its `file:line: `.
        const theirs = (check.stdout + check.stderr).trim().replace(/^.*?:\d+: /, '');
        expect(fileWarnings.map((w) => w.replace(/^.*?:\d+: /, ''))).toContain(theirs);
      } else {
        expect(fileWarnings).toEqual([]);
      }
    }

    // nsupdate -k: anything on stderr is its refusal (it then runs unsigned, or exits 1).
    const ns = tool(version, 'nsupdate', ['-k', file], 'show\n');
    const nsVerdict: Verdict = ns.stderr === '' ? 'ok' : 'refuse';
    expect(nsVerdict, ns.stderr).toBe(c.nsupdate === 'warn' ? 'ok' : c.nsupdate);
    const nsWarnings: string[] = [];
    const ourNs = await loadNsupdateKey(file, { onWarning: (w) => nsWarnings.push(w) });
    if (c.ours.nsupdate && c.nsupdate === 'refuse') {
      expect(ourNs.isErr() && ourNs.error.message).toMatch(c.ours.nsupdate);
    } else if (c.ours.nsupdate && c.title.includes('65')) {
      // The one deliberate difference: named-checkconf's rule wins over nsupdate's rounding.
      expect(ourNs.isErr() && ourNs.error.message).toMatch(c.ours.nsupdate);
    } else {
      expect(ourNs.isOk(), ourNs.isErr() ? ourNs.error.message : '').toBe(true);
      if (c.ours.nsupdate)
        expect(nsWarnings).toContainEqual(expect.stringMatching(c.ours.nsupdate));
      else expect(nsWarnings).toEqual([]);
    }

    // rndc with this file as rndc.conf (its first key as default-key): a config error is a
    // refusal; `connect failed` (port 1) means it took the key.
    const conf = write(
      `rndc-${version}-${CASES.indexOf(c)}.conf`,
      rndcConf(c.text, firstKeyName(c.text)),
    );
    const rndc = tool(version, 'rndc', ['-c', conf, 'status']);
    const rndcVerdict: Verdict = /connect failed/.test(rndc.stderr) ? 'ok' : 'refuse';
    expect(rndcVerdict, rndc.stderr).toBe(c.rndc);
    const ourRndc = await resolveRndcTarget({ configFile: conf });
    if (c.rndc === 'refuse') {
      expect(ourRndc.isErr()).toBe(true);
      if (c.ours.rndc) expect(ourRndc.isErr() && ourRndc.error.message).toMatch(c.ours.rndc);
    } else {
      expect(ourRndc.isOk(), ourRndc.isErr() ? ourRndc.error.message : '').toBe(true);
    }
  });
});
