// `rndc-js update` prints the library's stdout as it is (no re-rendering in the CLI), and a
// `zone` + `send` with nothing pending, which sends an empty update, needs a server like any send.

import { describe, expect, it } from 'vitest';
import { updateCommand } from '../../src/cli/update.js';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { fakeIo } from '../helpers/cli-io.js';

describe('rndc-js update and the library agree on stdout', () => {
  it('show without sending: the CLI prints runNsupdateScript(…).stdout', async () => {
    const script =
      'show\nzone example\nupdate add abcdefghijklmnopqrstuvw.example. 86400 TXT "x"\nupdate delete b.example. A\nshow\n';
    const io = fakeIo({ stdin: script });
    expect(await updateCommand([], io)).toBe(0);
    const library = (await runNsupdateScript(script)).unwrap();
    expect(io.out()).toBe(library.stdout);
    expect(io.out()).toContain('abcdefghijklmnopqrstuvw.example. 86400 IN TXT\t"x"\n');
    expect(io.out()).toContain('b.example.\t\t0\tANY\tA\t\n');
  });

  it('zone + send with nothing pending and no server: refused up front (it would send)', async () => {
    const io = fakeIo({ stdin: 'zone example\nsend\n' });
    expect(await updateCommand([], io)).toBe(1);
    expect(io.err()).toContain('stdin:2: this send has no server');
    expect(io.out()).toBe('');
  });

  it("no server: the library's no-server error in the command line's words, text and --json", async () => {
    // The check is the library's (runNsupdateScript); the CLI only words it (-l, not `server`).
    const library = (
      await runNsupdateScript('zone example\nsend\n', { file: 'stdin' })
    ).unwrapErr();
    expect([library.kind, library.line]).toEqual(['no-server', 2]);
    const message =
      "stdin:2: this send has no server: rndc-js does not look up the zone's primary through resolv.conf as nsupdate does";
    const remedy = "put 'server ADDRESS [PORT]' before the first send, or use -l for 127.0.0.1";
    const io = fakeIo({ stdin: 'zone example\nsend\n' });
    expect(await updateCommand(['-d'], io)).toBe(1);
    expect(io.err()).toBe(`rndc-js: ${message}\n  remedy: ${remedy}\n`);
    const json = fakeIo({ stdin: 'zone example\nsend\n' });
    expect(await updateCommand(['--json'], json)).toBe(1);
    expect(json.err()).toBe('');
    expect(JSON.parse(json.out())).toMatchObject({
      exitCode: 1,
      sends: [],
      error: { kind: 'no-server', message, remedy, line: 2 },
    });
  });

  it('-d: the line before the run counts the sends of the checked script', async () => {
    const io = fakeIo({ stdin: 'show\nsend\n\n' });
    expect(await updateCommand(['-d'], io)).toBe(0);
    expect(io.err()).toBe('; rndc-js: stdin: 2 send(s), no key (unsigned), UDP\n');
  });

  it('a send with nothing pending and no zone sends nothing and needs no server', async () => {
    const io = fakeIo({ stdin: 'send\nanswer\n' });
    expect(await updateCommand([], io)).toBe(0);
    expect(io.out()).toBe('');
  });
});
