// src/log.ts: `debug` is loaded only when output may be wanted — DEBUG set, or `debug` already
// loaded by the application (which may enable namespaces itself) — and then prints as before.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const LOG = resolve('src/log.ts');

/** Runs `body` (ESM, with `logger` imported) in a fresh node; returns its output. */
function run(body: string, env: Record<string, string | undefined> = {}) {
  const script = `import { createRequire } from 'node:module';
import { debugOnlyFromEnvironment, logger } from ${JSON.stringify(LOG)};
const require = createRequire(${JSON.stringify(LOG)});
const debugLoaded = () => require.cache[require.resolve('debug')] !== undefined;
${body}`;
  const childEnv: Record<string, string | undefined> = { ...process.env, DEBUG: undefined, ...env };
  for (const key of Object.keys(childEnv)) if (childEnv[key] === undefined) delete childEnv[key];
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    {
      encoding: 'utf8',
      env: childEnv as NodeJS.ProcessEnv,
      timeout: 60_000,
    },
  );
  expect(child.status, child.stderr).toBe(0);
  return { stdout: child.stdout, stderr: child.stderr };
}

describe('logger', () => {
  it('without DEBUG and without debug loaded elsewhere: prints nothing and never loads debug', () => {
    const { stdout, stderr } = run(
      `const log = logger('rndc:control'); log('secretless %s', 'line'); log('again');
console.log(debugLoaded() ? 'loaded' : 'not loaded');`,
    );
    expect(stdout.trim()).toBe('not loaded');
    expect(stderr).not.toContain('secretless');
  });

  it('DEBUG=rndc:control: loads debug and prints that namespace only', () => {
    const { stdout, stderr } = run(
      `logger('rndc:control')('control %s', 'line'); logger('rndc:update')('update line');
console.log(debugLoaded() ? 'loaded' : 'not loaded');`,
      { DEBUG: 'rndc:control' },
    );
    expect(stdout.trim()).toBe('loaded');
    expect(stderr).toMatch(/rndc:control control line/);
    expect(stderr).not.toContain('update line');
  });

  it('an application that loads debug and enables rndc:* itself gets the output, even after a first silent call', () => {
    const { stderr } = run(
      `const log = logger('rndc:dump');
log('before the application loaded debug');
const debug = (await import('debug')).default;
debug.enable('rndc:*');
log('after %s', 'enable');`,
    );
    expect(stderr).not.toContain('before the application');
    expect(stderr).toMatch(/rndc:dump after enable/);
  });

  // The rndc-js executable's switch: the whole process is ours, so DEBUG alone decides and the
  // CommonJS resolution of `debug` (startup cost) never runs.
  it('debugOnlyFromEnvironment: without DEBUG, never resolves or loads debug', () => {
    const { stdout, stderr } = run(
      `import Module from 'node:module';
const asked = [];
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'debug') asked.push(request);
  return original.call(this, request, ...rest);
};
debugOnlyFromEnvironment();
const log = logger('rndc:control');
log('first line'); log('second line');
const resolvedByLogger = asked.length;
console.log(resolvedByLogger + ' ' + (debugLoaded() ? 'loaded' : 'not loaded'));
const debug = (await import('debug')).default;
debug.enable('rndc:*');
log('after the application enabled it');`,
    );
    expect(stdout.trim()).toBe('0 not loaded');
    expect(stderr).not.toContain('line');
    // debug.enable() stores the namespaces in process.env.DEBUG (debug's Node behaviour), which
    // is what the switch reads: output enabled that way still appears.
    expect(stderr).toMatch(/rndc:control after the application enabled it/);
  });

  it('debugOnlyFromEnvironment: DEBUG=rndc:control still prints that namespace', () => {
    const { stderr } = run(
      `debugOnlyFromEnvironment();
logger('rndc:control')('control %s', 'line'); logger('rndc:update')('update line');`,
      { DEBUG: 'rndc:control' },
    );
    expect(stderr).toMatch(/rndc:control control line/);
    expect(stderr).not.toContain('update line');
  });
});
