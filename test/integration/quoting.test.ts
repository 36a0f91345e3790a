// quoteArgument and allowedOnReadOnlyChannel against the real thing: BIND's own `rndc` tool
// sends our text to a throwaway named 9.18 and named tells us what its lexer read.
//
// `zonestatus <zone> IN <view>` answers `no matching view '<view>'` with the view token
// copied verbatim (server.c zone_from_args), so the error text shows exactly the token named
// read back. This suite deliberately uses only the rndc binary and its own minimal named, so
// it proves the quoting rules independently of this library's client.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowedOnReadOnlyChannel,
  formatCommand,
  quoteArgument,
} from '../../src/control/commands.js';

const NAMED = '/usr/sbin/named';
const RNDC = '/usr/sbin/rndc';
const available = existsSync(NAMED) && existsSync(RNDC);

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(file, args, { encoding: 'utf8', timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let dir = '';
let named: ChildProcess | undefined;
let namedOutput = '';
let rwConf = '';
let roConf = '';

/** Sends one command line (as a single argv word: rndc sends it unchanged). */
function rndc(conf: string, line: string): Promise<RunResult> {
  return run(RNDC, ['-c', conf, line]);
}

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), 'rndc-quoting-'));
  const secret = randomBytes(32).toString('base64');
  const [rwPort, roPort] = [await freePort(), await freePort()];
  const key = `key "k" { algorithm hmac-sha256; secret "${secret}"; };\n`;
  await writeFile(
    join(dir, 'named.conf'),
    `${key}options {
  directory "${dir}";
  pid-file "${dir}/named.pid";
  listen-on { none; };
  listen-on-v6 { none; };
  recursion no;
  allow-new-zones yes;
};
controls {
  inet 127.0.0.1 port ${rwPort} allow { 127.0.0.1; } keys { k; };
  inet 127.0.0.1 port ${roPort} allow { 127.0.0.1; } keys { k; } read-only yes;
};
zone "static.test" { type primary; file "static.test.db"; };
`,
  );
  await writeFile(
    join(dir, 'static.test.db'),
    '$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1\n',
  );
  rwConf = join(dir, 'rndc.conf');
  roConf = join(dir, 'rndc-ro.conf');
  const options = (port: number) =>
    `options { default-key "k"; default-server 127.0.0.1; default-port ${port}; };\n`;
  await writeFile(rwConf, key + options(rwPort));
  await writeFile(roConf, key + options(roPort));

  named = spawn(NAMED, ['-g', '-c', join(dir, 'named.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  named.stdout?.on('data', (chunk: Buffer) => {
    namedOutput += chunk.toString();
  });
  named.stderr?.on('data', (chunk: Buffer) => {
    namedOutput += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (named.exitCode !== null) throw new Error(`named exited early:\n${namedOutput}`);
    if ((await rndc(rwConf, 'status')).code === 0) break;
    if (Date.now() > deadline) throw new Error(`named did not answer in time:\n${namedOutput}`);
    await sleep(200);
  }
});

afterAll(async () => {
  const child = named;
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), sleep(10_000, true)]);
    if (timedOut) child.kill('SIGKILL');
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!available)('quoteArgument round trip through named 9.18', () => {
  const awkward = [
    'plain',
    'view with a space',
    '',
    '  leading and trailing  ',
    'a"b',
    'x "y" z',
    '"starts with a quote',
    'a\\b',
    'a\\\\b',
    'trail\\\\',
    '\\\\" even run before a quote',
    'a\\"b', // odd run before a quote: sent bare
    'trail\\', // odd run at the end: sent bare
    'a;b{c}',
    '#hash // slashes /* c */',
    "it's",
    'tab\there',
    'ütf8 ✓ 名前',
    '\x01control\x7f',
    '0/25.2.0.192.in-addr.arpa',
  ];

  it.each(awkward)('%j', async (view) => {
    const line = formatCommand('zonestatus', ['static.test', 'IN', view]);
    const reply = await rndc(rwConf, line);
    expect(reply.code).toBe(1);
    // rndc names the command by its first argv word, which here is the whole line.
    expect(reply.stderr).toBe(`rndc: '${line}' failed: not found\nno matching view '${view}'\n`);
  });

  it('a quoted zone name reaches named as one token', async () => {
    const line = formatCommand('zonestatus', ['no such zone']);
    expect(line).toBe('zonestatus "no such zone"');
    const reply = await rndc(rwConf, line);
    expect(reply.stderr).toContain("no matching zone 'no such zone' in any view");
  });

  it('doubling backslashes would be wrong: named keeps them', async () => {
    const reply = await rndc(rwConf, 'zonestatus static.test IN "a\\\\b"');
    expect(reply.stderr).toContain("no matching view 'a\\\\b'");
    expect(quoteArgument('a\\b')).toBe('"a\\b"');
  });
});

describe.skipIf(!available)('allowedOnReadOnlyChannel matches a read-only listener', () => {
  const lines = [
    'null',
    'status',
    'STATUS',
    'testgen 5',
    'zonestatus static.test',
    'showzone static.test',
    'nta -dump',
    'nta -',
    'nta -D',
    'nta -force -lifetime 1h -class IN -dump',
    'nta --dump',
    'nta -lifetime 8d -dump',
    'nta -- -dump',
    'nta -remove foo.test',
    'nta foo.test',
    'nta',
    'reload',
    'sync',
    'freeze static.test',
    'tsig-list',
    'secroots -',
    'frobnicate',
  ];

  it.each(lines)('%j', async (line) => {
    const reply = await rndc(roConf, line);
    expect(reply.code === 0, reply.stderr).toBe(allowedOnReadOnlyChannel(line));
  });
});
