// runNsupdateInteractive: nsupdate on a terminal — a prompt per line, each line run as it comes,
// a refused line reported (without `syntax error`) and the session going on. No server needed:
// these lines send nothing. The pseudo-terminal session against named is in
// test/integration/nsupdate-behaviour.test.ts.
import { describe, expect, it } from 'vitest';
import { runNsupdateInteractive, runNsupdateScript } from '../../src/update/nsupdate.js';

async function* typed(lines: readonly string[], log: string[]): AsyncGenerator<string> {
  for (const line of lines) {
    log.push(`typed ${line}`);
    yield line;
  }
}

describe('runNsupdateInteractive', () => {
  it('prompts before each line, prints each command output before the next prompt', async () => {
    const log: string[] = [];
    const result = await runNsupdateInteractive(
      typed(['version', 'bogus', 'update add x. 300 A 192.0.2.1', 'show'], log),
      {
        versionLine: 'test 1.0',
        prompt: () => log.push('prompt'),
        onOutput: (stdout, stderr) =>
          log.push(`out ${JSON.stringify(stdout)} err ${JSON.stringify(stderr)}`),
      },
    );
    expect(log.slice(0, 6)).toEqual([
      'prompt',
      'typed version',
      'out "test 1.0\\n" err ""',
      'prompt',
      'typed bogus',
      'out "" err "incorrect section name: bogus\\n"',
    ]);
    expect(log.slice(6, 9)).toEqual(['prompt', 'typed update add x. 300 A 192.0.2.1', 'prompt']);
    expect(log[10]).toMatch(
      /^out "Outgoing update query:.*x\.\\t\\t\\t300\\tIN\\tA\\t192\.0\.2\.1/,
    );
    // The last prompt, then the end of input (Ctrl-D).
    expect(log.at(-1)).toBe('prompt');
    expect(result.exitCode).toBe(0);
  });

  it('quit ends the session; later lines are not read', async () => {
    const log: string[] = [];
    const result = await runNsupdateInteractive(typed(['quit', 'version'], log), {
      onOutput: () => {},
    });
    expect(log).toEqual(['typed quit']);
    expect(result.stdout).toBe('');
  });
});

describe('version and help in a script', () => {
  it('version prints the version line; help that line with a colon and the command list', async () => {
    const result = (
      await runNsupdateScript('version\nhelp\n', { versionLine: 'rndc-js 9.9.9' })
    ).unwrap();
    const [version, title, ...rows] = result.stdout.trimEnd().split('\n');
    expect([version, title]).toEqual(['rndc-js 9.9.9', 'rndc-js 9.9.9:']);
    expect(rows.map((row) => row.slice(0, 26).trimEnd())).toContain('[update] del[ete] ....');
    for (const row of rows) expect(row).toMatch(/^.{25} \(.+\)$/);
    expect(rows.join('\n')).not.toMatch(/gsstsig|realm/);
  });
});
