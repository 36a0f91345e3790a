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

  it('a send with nothing pending and no zone sends nothing and needs no server', async () => {
    const io = fakeIo({ stdin: 'send\nanswer\n' });
    expect(await updateCommand([], io)).toBe(0);
    expect(io.out()).toBe('');
  });
});
