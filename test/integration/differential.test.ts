// Differential: for the same named state, our client prints exactly what the rndc binary prints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RndcClient } from '../../src/control/client.js';
import type { RndcResponse } from '../../src/control/errors.js';
import { renderLikeRndc } from '../../src/control/render.js';
import { type NamedInstance, runRndcBinary, startNamed } from '../../src/testing/index.js';

let named: NamedInstance;
let rndc: RndcClient;

beforeAll(async () => {
  named = await startNamed();
  rndc = RndcClient.connect({ port: named.controlPort, key: named.keys['hmac-sha256'] });
});

afterAll(async () => {
  await rndc?.close();
  await named?.stop();
});

/** What our client prints for `command`, rendered by rndc's rules. */
async function ours(command: string) {
  const result = await rndc.run(command);
  const response: RndcResponse | undefined = result.isOk() ? result.value : result.error.response;
  if (!response) throw new Error(`no reply: ${result.isErr() ? result.error.message : ''}`);
  return renderLikeRndc(response);
}

/** What the rndc binary prints for `command`. */
async function theirs(command: string) {
  const { stdout, stderr, exitCode } = await runRndcBinary(named, command.split(' '));
  return { stdout, stderr, exitCode };
}

describe('our output equals the rndc binary', () => {
  it.each([
    'status',
    'zonestatus dyn.test',
    'zonestatus static.test',
    'zonestatus nosuch.zone',
    'frobnicate now',
    'reload static.test',
    'reload dyn.test',
    'freeze static.test',
    'sync dyn.test',
    'sync',
    'thaw dyn.test',
  ])('%s', async (command) => {
    const binary = await theirs(command);
    const library = await ours(command);
    expect(library).toEqual(binary);
  });

  it('freeze, freeze again, thaw — each compared in the same state', async () => {
    // Fresh state: both freeze a thawed zone.
    const ourFreeze = await ours('freeze dyn.test');
    expect(ourFreeze.exitCode).toBe(0);
    expect((await rndc.thaw('dyn.test')).isOk()).toBe(true);
    expect(await theirs('freeze dyn.test')).toEqual(ourFreeze);
    // Frozen state: both freeze again and get "already frozen".
    const binaryAgain = await theirs('freeze dyn.test');
    expect(binaryAgain.exitCode).toBe(1);
    expect(binaryAgain.stderr).toContain("rndc: 'freeze' failed: already frozen");
    expect(await ours('freeze dyn.test')).toEqual(binaryAgain);
    // Frozen state: both thaw (the other one re-freezes in between).
    const binaryThaw = await theirs('thaw dyn.test');
    expect((await rndc.freeze('dyn.test')).isOk()).toBe(true);
    const ourThaw = await ours('thaw dyn.test');
    // named reports either a finished or a started reload; the wording depends on timing only.
    const thawTexts = [
      'The zone reload and thaw was successful.\n',
      'A zone reload and thaw was started.\nCheck the logs to see the result.\n',
    ];
    expect(thawTexts).toContain(binaryThaw.stdout);
    expect(thawTexts).toContain(ourThaw.stdout);
    expect({ ...ourThaw, stdout: '' }).toEqual({ ...binaryThaw, stdout: '' });
  });

  it('result numbers match rndc -r (named as the server’s own version numbers them)', async () => {
    // The numbers differ by version (unknown command: 65635 in 9.16, 172 in 9.18, 173 in 9.20);
    // the client learns the version from status and names each number from that version's table.
    const version = (await rndc.serverVersion()).unwrap();
    expect(version.series).toBe(named.bindVersion ?? '9.18');
    const commands = [
      'zonestatus nosuch.zone',
      'frobnicate',
      'reload dyn.test',
      'freeze static.test',
      'zonestatus dyn.test BOGUS',
      'zonestatus',
      'status',
    ];
    for (const command of commands) {
      const binary = await runRndcBinary(named, ['-r', ...command.split(' ')]);
      const result = await rndc.run(command);
      const response = result.isOk() ? result.value : result.error.response!;
      expect(binary.stdout, command).not.toMatch(/^UNKNOWN /m);
      expect(renderLikeRndc(response, { showResult: true, serverVersion: version })).toEqual({
        stdout: binary.stdout,
        stderr: binary.stderr,
        exitCode: binary.exitCode,
      });
    }
  });
});
