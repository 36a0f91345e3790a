// The five-minute experience: `node --interactive`, `await import('rndc')`, talk to a named, look
// at results, errors and keys the way the REPL prints them, close, `.exit` — and the REPL ends by
// itself, promptly, with status 0. The key secret never appears in the transcript.
//
// The package is the built one (tsup into a temporary `node_modules/rndc`, runtime dependencies
// linked from this repository), so `import('rndc')` resolves exactly as it does for a user.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort, type NamedInstance, runBinary, startNamed } from '../../src/testing/index.js';
import { leakedForms } from '../helpers/canary.js';

const root = resolve('.');
let dir: string;
let named: NamedInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rndc-repl-'));
  const pkg = join(dir, 'node_modules', 'rndc');
  mkdirSync(pkg, { recursive: true });
  const build = await runBinary(
    join(root, 'node_modules/.bin/tsup'),
    ['--out-dir', join(pkg, 'dist')],
    {
      cwd: root,
      timeoutMs: 180_000,
    },
  );
  expect(build.exitCode, build.stderr).toBe(0);
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  for (const dep of ['debug', 'ms', 'ts-results-es']) {
    symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep));
  }
  named = await startNamed();
  // Debian's layout as its bind9 package ships it: /etc/bind/rndc.key, and no rndc.conf.
  const key = named.keys['hmac-sha256'];
  mkdirSync(join(dir, 'etc', 'bind'), { recursive: true });
  writeFileSync(
    join(dir, 'etc', 'bind', 'rndc.key'),
    `key "${key.name}" {\n\talgorithm hmac-sha256;\n\tsecret "${key.secretBytes().toString('base64')}";\n};\n`,
    { mode: 0o600 },
  );
}, 240_000);

afterAll(async () => {
  await named?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A REPL fed over stdin: each `send` waits for the next prompt and returns what was printed. */
class Repl {
  readonly child: ChildProcessWithoutNullStreams;
  transcript = '';
  #pending: { mark: number; resolve: (text: string) => void } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(cwd: string) {
    this.child = spawn(process.execPath, ['--interactive'], {
      cwd,
      stdio: 'pipe',
      env: { ...process.env, NODE_NO_READLINE: '1', NODE_REPL_HISTORY: '' },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    const take = (chunk: string) => {
      this.transcript += chunk;
      this.#check();
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exited = new Promise((done) =>
      this.child.on('exit', (code, signal) => done({ code, signal })),
    );
  }

  /** Waits for the first prompt. */
  ready(): Promise<string> {
    return this.#waitForPrompt(0);
  }

  send(line: string): Promise<string> {
    const mark = this.transcript.length;
    this.child.stdin.write(`${line}\n`);
    return this.#waitForPrompt(mark);
  }

  #waitForPrompt(mark: number): Promise<string> {
    return new Promise((resolve) => {
      this.#pending = { mark, resolve };
      this.#check();
    });
  }

  #check(): void {
    const pending = this.#pending;
    if (!pending) return;
    const output = this.transcript.slice(pending.mark);
    if (!output.endsWith('> ')) return;
    this.#pending = undefined;
    pending.resolve(output.slice(0, -2).trimEnd());
  }
}

it('import, status, an error, a key, close and .exit — readable and without secrets', async () => {
  const repl = new Repl(dir);
  try {
    await repl.ready();
    expect(await repl.send("const { RndcClient, parseKeyFile } = await import('rndc')")).toBe(
      'undefined',
    );
    expect(
      await repl.send(
        // README's `RndcClient.fromConfig()`, with the defaults moved under the scratch directory
        // (and the port of this named): rndc.conf is absent, so rndc.key alone is read.
        `const rndc = (await RndcClient.fromConfig({ defaultConfigFile: ${JSON.stringify(join(dir, 'etc/bind/rndc.conf'))}, defaultKeyFile: ${JSON.stringify(join(dir, 'etc/bind/rndc.key'))}, port: ${named.controlPort} })).unwrap()`,
      ),
    ).toBe('undefined');

    expect(await repl.send('rndc')).toBe(
      `RndcClient { server: '127.0.0.1#${named.controlPort}', key: 'rndc-sha256 (hmac-sha256)', closed: false }`,
    );

    const status = await repl.send('await rndc.status()');
    // Ok(value): the parsed fields first, the raw text last, no ts-results-es internals.
    expect(status).toMatch(/^Ok\(\{\n {2}version: 'BIND 9\.\d+/);
    expect(status).toMatch(/\n {2}raw: [^\n]*(\n {4}[^\n]*)*\n\}\)$/);
    expect(status).toMatch(/version: 'BIND 9\.\d+/);
    expect(status).toMatch(/running: true/);

    // A failure named reports: kind, message, likely causes, remedy, the reply.
    const notFound = await repl.send("(await rndc.zonestatus('no-such.zone')).error");
    expect(notFound).toMatch(
      /^RndcError \[not-found\]: 127\.0\.0\.1#\d+: 'zonestatus no-such\.zone' failed: not found/,
    );
    expect(notFound).toContain(
      '  Likely causes:\n    - no zone (or view) of that name is configured',
    );
    expect(notFound).toMatch(/^ {2}Remedy: check the zone name/m);
    expect(notFound).toMatch(/^ {2}response: \{/m);
    expect(notFound).not.toMatch(/^\s+at /m);

    // A transport failure: nobody listens on this port.
    const port = await freePort();
    expect(
      await repl.send(
        `const dead = RndcClient.connect({ port: ${port}, key: { name: 'k', algorithm: 'hmac-sha256', secret: 'c2VjcmV0' } })`,
      ),
    ).toBe('undefined');
    const result = await repl.send('await dead.status()');
    expect(result).toMatch(/^Err\(RndcError \[connect-failed\]: /);
    expect(result).not.toMatch(/_stack|ErrImpl/);
    const refused = await repl.send('(await dead.status()).error');
    expect(refused).toMatch(/^RndcError \[connect-failed\]: /);
    expect(refused).toMatch(/^ {2}Likely causes:/m);
    expect(refused).toMatch(/^ {2}\[cause\]: Error: .*ECONNREFUSED/m);

    // Keys: the secret is redacted at any depth.
    expect(
      await repl.send(
        `const keys = (await parseKeyFile(${JSON.stringify(named.keysFile)})).unwrap()`,
      ),
    ).toBe('undefined');
    expect(await repl.send("keys.find((k) => k.name === 'rndc-sha256')")).toBe(
      `Key { name: "rndc-sha256", algorithm: 'hmac-sha256', secret: [redacted] }`,
    );
    const all = await repl.send('util.inspect(keys, { depth: Infinity, showHidden: true })');
    expect(all).toContain('secret: [redacted]');
    expect(all).not.toMatch(/secret: (?!\[redacted\])/);

    expect(await repl.send('await rndc.close(); await dead.close()')).toBe('undefined');
    expect(await repl.send('rndc')).toMatch(/closed: true \}$/);

    repl.child.stdin.write('.exit\n');
    // The REPL must end by itself: no socket or timer of the library may keep it alive. The bound
    // is generous; it only has to separate "exits" from "hangs".
    const exit = await Promise.race([
      repl.exited,
      new Promise<'hung'>((done) => setTimeout(() => done('hung'), 10_000).unref()),
    ]);
    expect(exit, repl.transcript).toEqual({ code: 0, signal: null });
  } finally {
    if (repl.child.exitCode === null && repl.child.signalCode === null) repl.child.kill('SIGKILL');
  }
  expect(leakedForms(repl.transcript)).toEqual([]);
  expect(repl.transcript).not.toMatch(/Uncaught|Error \[ERR_/);
}, 60_000);
