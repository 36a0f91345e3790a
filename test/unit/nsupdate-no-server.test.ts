// runNsupdateScript refuses, before sending anything, a script with a `send` that would send an
// update while no server is known (no `server` command before it, no `server` option): a
// `no-server` error naming the line of that send. Datagrams are counted on a UDP socket that
// never answers: a refused script sends none.
import { createSocket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runNsupdateScript } from '../../src/update/nsupdate.js';
import { NsupdateSyntaxError } from '../../src/update/nsupdate-parse.js';

let sink: { port: number; received: number; close: () => Promise<void> };

beforeEach(async () => {
  const socket = createSocket('udp4');
  const state = { port: 0, received: 0, close: async () => {} };
  socket.on('message', () => state.received++);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  state.port = socket.address().port;
  state.close = () => new Promise<void>((resolve) => socket.close(() => resolve()));
  sink = state;
});

afterEach(async () => {
  await sink.close();
});

/** Short timing: the sink never answers, so a send that does go out ends in a timeout. */
const quick = { tries: 1, retryIntervalMs: 100, timeoutMs: 300 } as const;

describe('a send with no server', () => {
  it('is refused before anything is sent, also the batches after a later server line', async () => {
    const script = [
      'update add a.example. 300 A 192.0.2.1',
      'send',
      `server 127.0.0.1 ${sink.port}`,
      'update add b.example. 300 A 192.0.2.2',
      'send',
      '',
    ].join('\n');
    const result = await runNsupdateScript(script, { ...quick, file: 'batch.txt' });
    const error = result.unwrapErr();
    expect(error).toBeInstanceOf(NsupdateSyntaxError);
    expect(error.kind).toBe('no-server');
    expect(error.line).toBe(2);
    expect(error.file).toBe('batch.txt');
    expect(error.exitCode).toBe(1);
    expect(error.nsupdateStderr).toBeUndefined();
    expect(error.message).toBe(
      "batch.txt:2: this send has no server: this library does not look up the zone's primary through resolv.conf as nsupdate does",
    );
    expect(error.remedy).toMatch(/server/);
    expect(error.describe()).toContain('Remedy:');
    await sleep(200);
    expect(sink.received).toBe(0);
  });

  it('a blank line counts as a send; the error names its line', async () => {
    const script = 'show\nupdate add a.example. 300 A 192.0.2.1\n\nsend\n';
    const error = (await runNsupdateScript(script, quick)).unwrapErr();
    expect(error.kind).toBe('no-server');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^<script>:3: /);
  });

  it('zone + send with nothing pending sends an empty update, so it needs a server too', async () => {
    const error = (await runNsupdateScript('zone example\nsend\n', quick)).unwrapErr();
    expect(error.kind).toBe('no-server');
    expect(error.line).toBe(2);
  });

  it('sends that send nothing, and changes dropped at the end, need no server', async () => {
    const run = (
      await runNsupdateScript('send\n\nanswer\nupdate add a.example. 300 A 192.0.2.1\n', quick)
    ).unwrap();
    expect(run.exitCode).toBe(0);
    expect(run.sends).toEqual([]);
    expect(run.warnings.map((w) => w.kind)).toEqual(['unsent-at-eof']);
    // quit drops the pending change: nothing would be sent.
    const quit = (
      await runNsupdateScript('update add a.example. 300 A 192.0.2.1\nquit\n', quick)
    ).unwrap();
    expect(quit.exitCode).toBe(0);
    expect(sink.received).toBe(0);
  });

  it('a server line before the send, the server option, or localOnly: the update goes out', async () => {
    const update = 'zone example\nupdate add a.example. 300 A 192.0.2.1\nsend\n';
    const withLine = (
      await runNsupdateScript(`server 127.0.0.1 ${sink.port}\n${update}`, quick)
    ).unwrap();
    expect(withLine.exitCode).toBe(2);
    expect(withLine.sends[0]?.result.unwrapErr().kind).toBe('timeout');
    const withOption = (
      await runNsupdateScript(update, { ...quick, server: '127.0.0.1', port: sink.port })
    ).unwrap();
    expect(withOption.exitCode).toBe(2);
    // localOnly (nsupdate -l): 127.0.0.1 without a server option.
    const local = (
      await runNsupdateScript(update, { ...quick, localOnly: true, port: sink.port })
    ).unwrap();
    expect(local.exitCode).toBe(2);
    expect(local.sends[0]?.result.unwrapErr().server).toBe(`127.0.0.1#${sink.port}`);
    expect(sink.received).toBe(3);
  });

  it('localOnly refuses a server command, as nsupdate -l does', async () => {
    const error = (
      await runNsupdateScript(`server 127.0.0.1 ${sink.port}\nzone example\nsend\n`, {
        localOnly: true,
      })
    ).unwrapErr();
    expect(error.kind).toBe('syntax');
    expect(error.nsupdateStderr).toBe('cannot reset server in localhost-only mode\nsyntax error\n');
    expect(sink.received).toBe(0);
  });

  it('onChecked sees the parsed script only when the script passes the checks', async () => {
    const seen: number[] = [];
    const onChecked = (script: { commands: readonly unknown[] }) =>
      seen.push(script.commands.length);
    await runNsupdateScript('update add a.example. 300 A 192.0.2.1\nsend\n', { onChecked });
    expect(seen).toEqual([]);
    await runNsupdateScript('show\nsend\n', { onChecked });
    expect(seen).toEqual([2]);
  });
});
