/**
 * The watcher's HTTP endpoint: `/metrics` (Prometheus text format, one refresh per scrape),
 * `/healthz` (the watcher works and named answers) and `/readyz` (every watched zone durable,
 * or behind by less than the threshold with no failed dump logged), both with JSON bodies that
 * name what is wrong — usable as Kubernetes liveness/readiness probes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asyncDispose } from '../dispose.js';
import { WatchMetrics } from './metrics.js';
import type { WatchReport, ZoneWatcher } from './watcher.js';

/** Options of {@link serveWatcher}. */
export interface WatchServerOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Port. Default 9119; 0 picks a free one. */
  readonly port?: number | undefined;
  /** A report younger than this is reused by /healthz and /readyz. Default 1000 ms. */
  readonly reuseMs?: number | undefined;
  /** Called once each /metrics response has been sent (the CLI returns memory then). */
  readonly afterScrape?: (() => void) | undefined;
}

/** A listening watcher endpoint. */
export interface WatchServer {
  /** Address listened on. */
  readonly host: string;
  /** Port listened on. */
  readonly port: number;
  /** Stops listening (the watcher is left to its owner). */
  close(): Promise<void>;
  /** Same as close() (`await using`). */
  [Symbol.asyncDispose](): Promise<void>;
}

/** What /healthz says. */
export interface WatchHealth {
  /** The watcher works and named answered. */
  readonly ok: boolean;
  /** What is wrong, in words. */
  readonly problems: string[];
}

/** What /readyz says. */
export interface WatchReadiness {
  /** Every watched zone is ready and named answered. */
  readonly ok: boolean;
  /** The zones that are not ready and why. */
  readonly failing: {
    /** Zone name. */
    readonly zone: string;
    /** View (`_default` outside views). */
    readonly view: string;
    /** Class. */
    readonly class: string;
    /** Why it is not ready. */
    readonly reasons: readonly string[];
  }[];
}

/** Health of the watcher, as /healthz reports it. */
export function health(report: WatchReport): WatchHealth {
  const problems: string[] = [];
  if (!report.namedUp) problems.push(`named does not answer: ${report.namedProblem ?? 'unknown'}`);
  if (report.secondaryProblem !== undefined)
    problems.push(`secondaries are not checked: ${report.secondaryProblem}`);
  return { ok: problems.length === 0, problems };
}

/** Readiness, as /readyz reports it: the zones that are not durable and why. */
export function readiness(report: WatchReport): WatchReadiness {
  const failing = report.zones
    .filter((z) => !z.ready)
    .map((z) => ({ zone: z.zone, view: z.view, class: z.class, reasons: z.reasons }));
  return { ok: failing.length === 0 && report.namedUp, failing };
}

/** Serves `watcher` over HTTP; resolves once listening. */
export async function serveWatcher(
  watcher: ZoneWatcher,
  options: WatchServerOptions = {},
): Promise<WatchServer> {
  const metrics = new WatchMetrics();
  const reuseMs = options.reuseMs ?? 1000;
  const report = async (fresh: boolean): Promise<WatchReport> => {
    const last = watcher.last;
    if (!fresh && last && Date.now() / 1000 - last.time < reuseMs / 1000) return last;
    return watcher.refresh();
  };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain', 'only GET\n');
      return;
    }
    if (path === '/metrics') {
      metrics.update(await report(true));
      send(res, 200, metrics.contentType, await metrics.text());
      const after = options.afterScrape;
      if (after) res.once('finish', () => setImmediate(after));
    } else if (path === '/healthz') {
      const r = await report(false);
      const h = health(r);
      json(res, h.ok ? 200 : 503, {
        ok: h.ok,
        problems: h.problems,
        named: { up: r.namedUp, version: r.namedVersion ?? null },
        log: { file: r.logFile ?? null, problem: r.logProblem ?? null },
        statistics: { problem: r.statisticsProblem ?? null },
        secondaries: { problem: r.secondaryProblem ?? null },
      });
    } else if (path === '/readyz') {
      const r = await report(false);
      const ready = readiness(r);
      json(res, ready.ok ? 200 : 503, {
        ok: ready.ok,
        zones: r.zones.length,
        failing: ready.failing,
        ...(r.namedUp
          ? {}
          : { problems: [`named does not answer: ${r.namedProblem ?? 'unknown'}`] }),
      });
    } else {
      send(res, 404, 'text/plain', 'not found: /metrics, /healthz, /readyz\n');
    }
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(
        res,
        500,
        'text/plain',
        `internal error: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9119, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { host, port: address.port, close, [asyncDispose]: close };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', `${JSON.stringify(body, null, 2)}\n`);
}
