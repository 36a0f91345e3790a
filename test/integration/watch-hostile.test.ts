// The watcher in a hostile or broken world keeps running and says what is wrong: named's log
// unreadable (a directory), replaced by a FIFO, grown into a 10 GB sparse file; named down; a
// zone removed with delzone. One named for the file; each case its own watcher.
import { execFileSync, spawn } from 'node:child_process';
import { appendFile, mkdir, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryReturner } from '../../src/cli/watch-command.js';
import { RndcClient } from '../../src/control/client.js';
import { type NamedInstance, startNamed } from '../../src/testing/index.js';
import { freePort } from '../../src/testing/ports.js';
import { serveWatcher } from '../../src/watch/server.js';
import { ZoneWatcher, type ZoneWatcherOptions } from '../../src/watch/watcher.js';
import { CLI_FROM_SOURCE } from '../helpers/cli-io.js';
import { until } from '../helpers/until.js';

let named: NamedInstance;
let rndc: RndcClient;

beforeAll(async () => {
  named = await startNamed({
    zones: [
      { name: 'dyn.test', kind: 'dynamic' },
      { name: 'static.test', kind: 'static' },
      { name: 'gone.test', kind: 'static' },
    ],
  });
  rndc = RndcClient.connect({
    port: named.controlPort,
    key: named.keys['hmac-sha256'],
    maxConnections: 1,
  });
});

afterAll(async () => {
  await rndc?.close();
  await named?.stop();
});

function watcher(options: Partial<ZoneWatcherOptions> = {}): ZoneWatcher {
  return new ZoneWatcher({ rndc, namedConf: named.configFile, timeoutMs: 10_000, ...options });
}

/** A dump failure of dyn.test as named logs it, time-stamped now (named's print-time). */
function failureLine(): string {
  const d = new Date();
  const months = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const stamp = `${pad(d.getDate())}-${months[d.getMonth()]}-${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return `${stamp} general: error: dumping master file: rename: zones/dyn.test.db: permission denied\n`;
}

const dyn = (report: Awaited<ReturnType<ZoneWatcher['refresh']>>) =>
  report.zones.find((z) => z.zone === 'dyn.test');

describe('the watcher keeps running and reports the problem', () => {
  it('an unreadable log (a directory where the log should be): log reason, zones still watched', async () => {
    const dir = join(named.dir, 'log-is-a-dir');
    await mkdir(dir);
    const w = watcher({ log: dir });
    const report = await w.refresh();
    expect(report.logProblem).toMatch(/not a regular file/);
    expect(report.namedUp).toBe(true);
    expect(dyn(report)?.durable).toBe(true);
    const server = await serveWatcher(w, { port: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toMatch(/^bind_watch_log_readable 0$/m);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { log: { problem: string } }).log.problem).toMatch(
      /directory/,
    );
    await server.close();
    await w.close();
  });

  it('a log replaced by a FIFO is never opened for reading; the log put back is followed again', async () => {
    const log = join(named.dir, 'fifo-case.log');
    await writeFile(log, '');
    const w = watcher({ log });
    expect((await w.refresh()).logProblem).toBeUndefined();
    await rename(log, `${log}.old`);
    execFileSync('mkfifo', [log]);
    // A blocking open of a FIFO without a writer would hang this refresh for ever.
    const report = await w.refresh();
    expect(report.logProblem).toMatch(/FIFO/);
    await rm(log);
    await writeFile(log, failureLine());
    const back = await w.refresh();
    expect(back.logProblem).toBeUndefined();
    expect(dyn(back)?.dumpFailures.rename).toBe(1);
    await w.close();
  });

  it('a 10 GB sparse log: only its end is read, a failure after the hole is counted', async () => {
    const log = join(named.dir, 'sparse.log');
    await writeFile(log, '');
    const w = watcher({ log });
    await w.refresh();
    await truncate(log, 10 * 1024 ** 3);
    await appendFile(log, `\n${failureLine()}`);
    const rssBefore = process.memoryUsage().rss;
    const report = await w.refresh();
    expect(report.logBytesSkipped).toBeGreaterThan(10 * 1024 ** 3 - 17 * 1024 ** 2);
    expect(dyn(report)?.dumpFailures.rename).toBe(1);
    // Bounded: one read looks at 16 MiB at most, never the 10 GB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 ** 2);
    await rm(log);
    await w.close();
  });

  it('named down: /healthz and /readyz 503 naming it, metrics still served', async () => {
    const closedPort = await freePort();
    const nowhere = RndcClient.connect({
      port: closedPort,
      key: named.keys['hmac-sha256'],
      maxConnections: 1,
    });
    const w = new ZoneWatcher({
      rndc: nowhere,
      closeClient: true,
      namedConf: named.configFile,
      log: named.logFile,
      timeoutMs: 5000,
    });
    const server = await serveWatcher(w, { port: 0 });
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^bind_watch_named_up 0$/m);
    expect(metrics).toMatch(/^bind_watch_rndc_errors_total [1-9]/m);
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(503);
    expect(JSON.stringify(await health.json())).toMatch(/named does not answer/);
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    await server.close();
    await w.close();
  });

  it('a zone removed with delzone: served 0, /readyz names it, the others stay ready', async () => {
    const w = watcher();
    const before = await w.refresh();
    expect(before.zones.find((z) => z.zone === 'gone.test')?.served).toBe(true);
    (await rndc.run('delzone gone.test')).unwrap();
    const server = await serveWatcher(w, { port: 0 });
    const base = `http://127.0.0.1:${server.port}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^bind_zone_served\{zone="gone.test",view="_default",class="IN"\} 0$/m);
    expect(metrics).toMatch(/^bind_zone_served\{zone="dyn.test",view="_default",class="IN"\} 1$/m);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { failing: { zone: string; reasons: string[] }[] };
    expect(body.failing.map((f) => f.zone)).toEqual(['gone.test']);
    expect(body.failing[0]?.reasons.join(' ')).toMatch(/does not serve/);
    await server.close();
    await w.close();
  });
});

describe('memory between scrapes', () => {
  it('afterScrape runs once per /metrics response, after it is sent; never for the probes', async () => {
    const w = watcher();
    const calls: string[] = [];
    const server = await serveWatcher(w, { port: 0, afterScrape: () => calls.push('scrape') });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^bind_zone_durable\{zone="dyn.test"/m);
      await until(() => calls.length === 1, 5_000, 'afterScrape after the first scrape', 10);
      await (await fetch(`${base}/healthz`)).text();
      await (await fetch(`${base}/readyz`)).text();
      await (await fetch(`${base}/metrics`)).text();
      await until(() => calls.length === 2, 5_000, 'afterScrape after the second scrape', 10);
      expect(calls).toHaveLength(2);
    } finally {
      await server.close();
      await w.close();
    }
  });

  it("the CLI's collector is V8's gc, callable, without a global gc in this context", () => {
    const before = typeof (globalThis as { gc?: unknown }).gc;
    const collect = memoryReturner();
    expect(typeof collect).toBe('function');
    collect?.();
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(before);
  });
});

describe('rndc-js watch', () => {
  it('serves /metrics and /readyz from rndc.conf discovery, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        ...CLI_FROM_SOURCE,
        '-c',
        named.rndcConfFile(),
        'watch',
        '--listen',
        `127.0.0.1:${port}`,
        'dyn.test',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    try {
      await until(() => stderr.includes('watching'), 20_000, 'rndc-js watch to listen', 50);
      expect(stderr).toMatch(/watching 1 zone\(s\)/);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toMatch(
        /^bind_zone_durable\{zone="dyn.test",view="_default",class="IN"\} 1$/m,
      );
      expect(metrics).not.toMatch(/zone="static.test"/);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/watch stopped/);
  });
});
