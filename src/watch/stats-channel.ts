/**
 * Served serials from named's statistics channel (`statistics-channels { inet … }` in
 * named.conf): one HTTP GET of `/json/v1/zones` gives every zone of every view with its serial,
 * far cheaper than a `zonestatus` per zone. The body is bounded and parsed defensively: the
 * channel is a network peer like any other.
 */
import { request } from 'node:http';

/** One zone as the statistics channel lists it. */
export interface StatsZone {
  readonly zone: string;
  readonly class: string;
  /** `_default` for the default view, as named names it. */
  readonly view: string;
  /** The served serial; undefined when named reports none (zone not loaded: -1). */
  readonly serial: number | undefined;
  readonly type: string | undefined;
}

/** Most bytes of a `/json/v1/zones` answer read (named sends ~300 bytes per zone). */
export const MAX_STATS_BYTES = 64 * 1024 * 1024;

/** Fetches `/json/v1/zones` from `baseUrl` (`http://127.0.0.1:8053`). Never rejects. */
export function fetchStatsZones(
  baseUrl: string,
  options: { timeoutMs: number; maxBytes?: number },
): Promise<{ zones: StatsZone[] } | { problem: string }> {
  const maxBytes = options.maxBytes ?? MAX_STATS_BYTES;
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL('/json/v1/zones', baseUrl);
    } catch {
      resolve({ problem: `statistics channel URL ${JSON.stringify(baseUrl)} is not a URL` });
      return;
    }
    if (url.protocol !== 'http:') {
      resolve({ problem: `statistics channel URL must be http:, not ${url.protocol}` });
      return;
    }
    let settled = false;
    const done = (value: { zones: StatsZone[] } | { problem: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const req = request(url, { method: 'GET', agent: false }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        done({ problem: `statistics channel ${url.href} answered HTTP ${res.statusCode}` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          req.destroy();
          done({ problem: `statistics channel answer larger than ${maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => done(parseStatsZones(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', (error) => done({ problem: `statistics channel: ${error.message}` }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({
        problem: `statistics channel ${url.href} did not answer within ${options.timeoutMs} ms`,
      });
    }, options.timeoutMs);
    req.on('error', (error) =>
      done({ problem: `statistics channel ${url.href}: ${error.message}` }),
    );
    req.end();
  });
}

/** Parses a `/json/v1/zones` document; anything unexpected is a problem, never a throw. */
export function parseStatsZones(text: string): { zones: StatsZone[] } | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { problem: 'statistics channel answer is not JSON' };
  }
  const views = (doc as { views?: unknown } | null)?.views;
  if (typeof views !== 'object' || views === null) {
    return { problem: 'statistics channel answer has no "views" (is named built with JSON?)' };
  }
  const zones: StatsZone[] = [];
  for (const [view, body] of Object.entries(views)) {
    const list = (body as { zones?: unknown } | null)?.zones;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const { name, class: zoneClass, serial, type } = item as Record<string, unknown>;
      if (typeof name !== 'string' || name.length > 1024) continue;
      zones.push({
        zone: name,
        class: typeof zoneClass === 'string' ? zoneClass.toUpperCase() : 'IN',
        view,
        serial:
          typeof serial === 'number' &&
          Number.isInteger(serial) &&
          serial >= 0 &&
          serial <= 0xffffffff
            ? serial
            : undefined,
        type: typeof type === 'string' ? type : undefined,
      });
    }
  }
  return { zones };
}
