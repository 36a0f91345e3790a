// `rndc-js transfer` in-process against a fake AXFR/IXFR server: usage errors, the zone-file
// output (with $ORIGIN and the closing summary comment), the streamed JSON document, the
// `; INCOMPLETE` line and exit 1 when the transfer fails part-way, and --ixfr's del/add lines.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { fakeIo } from '../helpers/cli-io.js';
import {
  type AxfrConnection,
  a,
  type FakeAxfrServer,
  message,
  soa,
  startFakeAxfr,
} from '../helpers/fake-axfr.js';

const ZONE = 'cli.test';
let server: FakeAxfrServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function cli(args: string[]) {
  const io = fakeIo();
  const status = await runCli(args, io);
  return { status, out: io.out(), err: io.err() };
}

function zone(c: AxfrConnection): void {
  c.frame(message(c.request, ZONE, [soa(ZONE, 4), a(`www.${ZONE}`, '192.0.2.1')]));
  c.frame(
    message(c.request, ZONE, [a(`mail.${ZONE}`, '192.0.2.2'), soa(ZONE, 4)], { question: false }),
  );
}

describe('rndc-js transfer: usage', () => {
  it.each([
    [['transfer'], /transfer needs a zone/],
    [['transfer', 'z', '--format', 'xml'], /--format 'xml': use zone or json/],
    [['transfer', 'z', '--ixfr', 'abc'], /--ixfr 'abc' is not a serial/],
    [['transfer', 'z', '-s', 'ns.example'], /server 'ns.example' is not an IP address/],
    [['transfer', 'z', '-p', '70000'], /bad port number '70000'/],
    [['transfer', 'z', '-k', 'f', '-y', 'a:b'], /cannot specify both -k and -y/],
  ])('%j → exit 1 with %s', async (args, message) => {
    const r = await cli(args);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(message);
    expect(r.out).toBe('');
  });
});

describe('rndc-js transfer: output', () => {
  it('zone format: $ORIGIN, the records, a closing summary comment', async () => {
    server = await startFakeAxfr(zone);
    const r = await cli(['transfer', ZONE, '-p', String(server.port)]);
    expect(r.status).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe('$ORIGIN cli.test.');
    expect(lines.slice(2, 4)).toEqual([
      'www.cli.test.\t300\tIN\tA\t192.0.2.1',
      'mail.cli.test.\t300\tIN\tA\t192.0.2.2',
    ]);
    expect(lines[4]).toMatch(
      /^; cli\.test\. serial 4: AXFR from 127\.0\.0\.1#\d+, 3 records in 2 messages$/,
    );
  });

  it('json format: one document, records as they came, the summary', async () => {
    server = await startFakeAxfr(zone);
    const r = await cli(['--json', 'transfer', ZONE, '-p', String(server.port)]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      command: 'transfer',
      zone: ZONE,
      ok: true,
      kind: 'full',
      serial: 4,
    });
    expect(doc.records.map((x: { name: string }) => x.name)).toEqual([
      'cli.test.',
      'www.cli.test.',
      'mail.cli.test.',
    ]);
    expect(doc.records[1]).toEqual({
      name: 'www.cli.test.',
      ttl: 300,
      class: 'IN',
      type: 'A',
      data: '192.0.2.1',
    });
    expect(doc.summary).toMatchObject({ records: 3, messages: 2, signed: false });
  });

  it('a transfer failing part-way ends with ; INCOMPLETE and exit 1; JSON says ok false', async () => {
    const broken = (c: AxfrConnection) => {
      c.frame(message(c.request, ZONE, [soa(ZONE, 4), a(`www.${ZONE}`, '192.0.2.1')]));
      c.end();
    };
    server = await startFakeAxfr(broken);
    const r = await cli(['transfer', ZONE, '-p', String(server.port)]);
    expect(r.status).toBe(1);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(
      /^; INCOMPLETE: the transfer failed after 2 records/,
    );
    expect(r.err).toMatch(/closed the connection before the closing SOA/);
    await server.close();
    server = await startFakeAxfr(broken);
    const j = await cli(['transfer', ZONE, '-p', String(server.port), '--format', 'json']);
    expect(j.status).toBe(1);
    expect(JSON.parse(j.out)).toMatchObject({ ok: false, error: { kind: 'incomplete' } });
  });

  it('--ixfr: del/add lines per difference', async () => {
    server = await startFakeAxfr((c) => {
      c.frame(
        message(
          c.request,
          ZONE,
          [
            soa(ZONE, 5),
            soa(ZONE, 4),
            a(`old.${ZONE}`, '192.0.2.9'),
            soa(ZONE, 5),
            a(`new.${ZONE}`, '192.0.2.10'),
            soa(ZONE, 5),
          ],
          { qtype: 251 },
        ),
      );
    });
    const r = await cli(['transfer', ZONE, '-p', String(server.port), '--ixfr', '4']);
    expect(r.status).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/1 difference\(s\) from serial 4 to 5/);
    expect(lines.filter((l) => /^(del|add) /.test(l)).map((l) => l.split('\t')[0])).toEqual([
      'del cli.test.',
      'del old.cli.test.',
      'add cli.test.',
      'add new.cli.test.',
    ]);
    const j = await cli(['transfer', ZONE, '-p', String(server.port), '--ixfr', '4', '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ kind: 'incremental', fromSerial: 4, toSerial: 5 });
  });
});
