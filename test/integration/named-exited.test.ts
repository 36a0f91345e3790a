// `await named.exited` in a script must wait for named's exit: the child process is unref'ed (a
// forgotten instance must not keep a test process alive), so before the fix nothing kept the
// event loop alive while the script awaited, and node ended the script (exit code 13, "unsettled
// top-level await") without running the code after the await.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBinary } from '../../src/testing/index.js';

const TESTING = fileURLToPath(new URL('../../src/testing/index.ts', import.meta.url));

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rndc-named-exited-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function runScript(name: string, body: string) {
  const file = join(dir, `${name}.mts`);
  writeFileSync(
    file,
    `import { startNamed } from ${JSON.stringify(TESTING)};
const named = await startNamed();
${body}
`,
  );
  const started = performance.now();
  const run = await runBinary(process.execPath, ['--import', 'tsx', file], { timeoutMs: 60_000 });
  return { ...run, ms: performance.now() - started };
}

it('a script that kills named by pid and awaits named.exited prints what follows the await', async () => {
  const run = await runScript(
    'await-exited',
    `console.log('started ' + named.pid);
process.kill(named.pid, 'SIGTERM');
const exit = await named.exited;
console.log('exited ' + JSON.stringify(exit));
await named.stop();
console.log('done');`,
  );
  expect(run.stdout).toMatch(/^started \d+$/m);
  expect(run.stdout).toMatch(
    /^exited \{"code":0,"signal":null\}$|^exited \{"code":null,"signal":"SIGTERM"\}$/m,
  );
  expect(run.stdout).toMatch(/^done$/m);
  expect(run.exitCode, run.stderr).toBe(0);
});

it('awaiting exited while named is still running waits for it: stopped later by a timer', async () => {
  const run = await runScript(
    'await-running',
    `setTimeout(() => process.kill(named.pid, 'SIGKILL'), 500).unref();
const exit = await named.exited;
console.log('exited ' + JSON.stringify(exit));
await named.stop();`,
  );
  expect(run.stdout).toMatch(/^exited \{"code":null,"signal":"SIGKILL"\}$/m);
  expect(run.exitCode, run.stderr).toBe(0);
});

it('a script that reads named.exited without awaiting it, and forgets stop(), still exits', async () => {
  const run = await runScript(
    'forget',
    `const pending = named.exited;
console.log('pid ' + named.pid + ' ' + typeof pending.then);`,
  );
  expect(run.stdout).toMatch(/^pid \d+ function$/m);
  expect(run.exitCode, run.stderr).toBe(0);
  // The exit handler killed the forgotten named.
  const pid = Number(/^pid (\d+)/m.exec(run.stdout)?.[1]);
  const gone = () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  };
  const deadline = Date.now() + 10_000;
  while (!gone() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(gone()).toBe(true);
});
