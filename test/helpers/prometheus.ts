// A real Prometheus server (Debian's `prometheus` package, installed by scripts/setup.sh) started
// on a free loopback port with a generated config: short scrape and evaluation intervals, one
// scrape target, the rules given. Queried through its own HTTP API.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/testing/ports.js';
import { findBinary } from '../../src/testing/rndc-binary.js';
import { until } from './until.js';

/** Prometheus's binaries; missing ones fail the test file loudly (never a silent skip). */
export function prometheusBinaries(): { prometheus: string; promtool: string } {
  const prometheus = findBinary('prometheus');
  const promtool = findBinary('promtool');
  if (prometheus === undefined || promtool === undefined) {
    throw new Error(
      "prometheus/promtool not found: install Debian's `prometheus` package (scripts/setup.sh does)",
    );
  }
  return { prometheus, promtool };
}

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface RunningPrometheus {
  readonly port: number;
  /** Instant query; the samples of a vector result. */
  query(expr: string): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(options: {
  readonly target: string;
  readonly rulesText: string;
}): Promise<RunningPrometheus> {
  const { prometheus } = prometheusBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'rndc-prom-'));
  await writeFile(join(dir, 'rules.yml'), options.rulesText);
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${join(dir, 'rules.yml')}`,
      'scrape_configs:',
      '  - job_name: rndc-watch',
      '    static_configs:',
      `      - targets: ['${options.target}']`,
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';
  for (let attempt = 0; attempt < 4 && child === undefined; attempt++) {
    port = await freePort();
    const started = spawn(
      prometheus,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer) => {
      if (output.length < 64 * 1024) output += chunk.toString('utf8');
    };
    started.stdout?.on('data', collect);
    started.stderr?.on('data', collect);
    let exited = false;
    started.once('exit', () => {
      exited = true;
    });
    try {
      await until(
        async () => {
          if (exited) return true;
          const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined);
          return ready?.status === 200;
        },
        30_000,
        'prometheus to be ready',
        100,
      );
    } catch (error) {
      started.kill('SIGKILL');
      throw new Error(`${String(error)}; prometheus said: ${output.slice(-2000)}`);
    }
    if (!exited) child = started;
  }
  if (child === undefined) throw new Error(`prometheus did not start: ${output.slice(-2000)}`);
  const running = child;
  return {
    port,
    async query(expr) {
      const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`;
      const body = (await (await fetch(url)).json()) as {
        status: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[];
        };
        error?: string;
      };
      if (body.status !== 'success' || !body.data) throw new Error(`query ${expr}: ${body.error}`);
      return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        const gone = new Promise((resolve) => running.once('exit', resolve));
        running.kill('SIGTERM');
        const timer = setTimeout(() => running.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
