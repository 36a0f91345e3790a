/**
 * `rndc-js propagation ZONE --server HOST[:PORT] …`: does every server serve the zone's change?
 * One line per server with its verdict (checkPropagation), or, with `--wait SECONDS`, the
 * verdicts once every server (or `--quorum N`) serves the target or the wait ends
 * (waitForPropagation). Exit 0 when all (or the quorum) serve it, 1 when not (or on a usage
 * error), 2 when nothing could be checked (no target serial: the primary did not answer).
 */
import type { RndcClient } from '../control/client.js';
import {
  checkPropagation,
  type PropagationError,
  type PropagationReport,
  type PropagationServer,
  type PropagationWait,
  type ServerVerdict,
  waitForPropagation,
} from '../fleet/propagation.js';
import type { Verdict } from '../fleet/verdict.js';
import type { Result } from '../result.js';
import { isSerial } from '../serial.js';
import {
  type GlobalSettings,
  optionText,
  parseArgs,
  parseSeconds,
  parseWholeNumber,
  takeRepeated,
} from './args.js';
import { connectFromSettings } from './connect.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, type JsonError, jsonError, writeJson } from './output.js';
import { parseServer, parseServerSpec, type ServerSpec, serverKeys } from './server-spec.js';
import { type JsonUpdateWarning, loadKey, Y_WARNING } from './update.js';
import { usageError } from './usage.js';

const PROPAGATION_OPTIONS = [
  { long: 'json' },
  { long: 'primary', value: true, key: 'primary' },
  { long: 'serial', value: true, key: 'serial' },
  { long: 'wait', value: true, key: 'wait' },
  { long: 'quorum', value: true, key: 'quorum' },
  { long: 'content', key: 'content' },
  { long: 'tcp', key: 'tcp' },
  { long: 'nudge', key: 'nudge' },
  { short: 'k', value: true, key: 'keyFile' },
  { short: 'y', value: true, key: 'keyString' },
] as const;

/** Deadline of a single check (no --wait). */
const CHECK_TIMEOUT_MS = 10_000;

/** `propagation ZONE …`; `args` are the words after `propagation`. */
export async function propagationCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  // --server may be repeated (the general parser keeps one value): taken out first.
  const taken = takeRepeated(args, 'server');
  if ('error' in taken) return usageError(io, taken.error, 'propagation');
  const { values: servers, rest } = taken;
  const parsed = parseArgs(rest, PROPAGATION_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'propagation');
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  const text = (key: string) => optionText(options, key);
  const [zone, ...extra] = operands;
  if (zone === undefined)
    return usageError(
      io,
      'propagation needs a zone: propagation ZONE --server HOST[:PORT] …',
      'propagation',
    );
  if (extra.length > 0) return usageError(io, `unexpected argument '${extra[0]}'`, 'propagation');
  if (servers.length === 0)
    return usageError(io, 'propagation needs at least one --server HOST[:PORT]', 'propagation');
  // `HOST[:PORT][,key=FILE|,unsigned]`: a server with its own TSIG key, or queried unsigned.
  const specs: ServerSpec[] = [];
  for (const value of servers) {
    const spec = parseServerSpec(value, 'server');
    if (typeof spec === 'string') return usageError(io, spec, 'propagation');
    specs.push(spec);
  }
  const targets: PropagationServer[] = specs.map((spec) => ({
    host: spec.host,
    port: spec.port,
    label: spec.label,
    ...(spec.unsigned ? { key: null } : {}),
  }));
  let primary: PropagationServer | undefined;
  const primaryText = text('primary');
  if (primaryText !== undefined) {
    const server = parseServer(primaryText);
    if (!server)
      return usageError(
        io,
        `--primary '${primaryText}': use HOST, HOST:PORT or [IPV6]:PORT`,
        'propagation',
      );
    primary = { ...server, label: 'primary' };
  }
  const serialText = text('serial');
  const serial =
    serialText === undefined
      ? undefined
      : /^\d{1,10}$/.test(serialText)
        ? Number(serialText)
        : Number.NaN;
  if (serial !== undefined && !isSerial(serial))
    return usageError(io, `--serial '${serialText}' is not a serial (0-4294967295)`, 'propagation');
  // Without a primary or a serial, the first server is the reference, asked the way that server
  // is: it is copied once the servers' own keys are read, below.
  const firstIsReference = !primary && serial === undefined;
  const waitText = text('wait');
  const waitSeconds = waitText === undefined ? undefined : parseSeconds(waitText);
  if (waitText !== undefined && waitSeconds === undefined)
    return usageError(io, `--wait '${waitText}' is not a number of seconds`, 'propagation');
  const quorumText = text('quorum');
  const quorum =
    quorumText === undefined ? undefined : parseWholeNumber(quorumText, 1, targets.length);
  if (quorumText !== undefined && quorum === undefined)
    return usageError(
      io,
      `--quorum '${quorumText}' must be from 1 to ${targets.length} (the servers given)`,
      'propagation',
    );
  if (quorum !== undefined && waitSeconds === undefined)
    return usageError(io, '--quorum goes with --wait', 'propagation');
  const nudge = options.nudge === true;
  if (nudge && waitSeconds === undefined)
    return usageError(io, '--nudge goes with --wait', 'propagation');
  if (nudge && !primary && !firstIsReference)
    return usageError(
      io,
      '--nudge needs the primary (--primary HOST[:PORT]): it is sent rndc notify',
      'propagation',
    );
  if (text('keyFile') !== undefined && text('keyString') !== undefined)
    return usageError(io, 'cannot specify both -k and -y', 'propagation');
  const warnings: JsonUpdateWarning[] = [];
  const key = await loadKey(
    { keyFile: text('keyFile'), keyString: text('keyString'), local: false },
    io,
    warnings,
  );
  if (key.isErr()) {
    if (json) writeJson(io, document(zone, undefined, jsonError(key.error), []));
    else io.stderr.write(formatError(key.error, 'propagation'));
    return 1;
  }
  if (text('keyString') !== undefined)
    warnings.push({ kind: 'secret-on-command-line', line: null, message: Y_WARNING });
  const own = await serverKeys(specs, io, warnings);
  if (own.isErr()) {
    if (json) writeJson(io, document(zone, undefined, jsonError(own.error), []));
    else io.stderr.write(formatError(own.error, 'propagation'));
    return 1;
  }
  own.value.forEach((key, index) => {
    if (key) targets[index] = { ...(targets[index] as PropagationServer), key };
  });
  if (firstIsReference) primary = { ...(targets[0] as PropagationServer) };
  if (!json)
    for (const warning of warnings) io.stderr.write(`${PROGRAM}: warning: ${warning.message}\n`);

  // --nudge: `rndc notify` on the primary through the control channel this command is set up for
  // (rndc's -c/-s/-p/-k before the command word), once the first round finds a server behind.
  let rndc: RndcClient | undefined;
  if (nudge && primary) {
    const connection = await connectFromSettings(settings, io);
    if (connection.isErr()) {
      if (json) writeJson(io, document(zone, undefined, jsonError(connection.error), []));
      else io.stderr.write(formatError(connection.error, 'propagation'));
      return 1;
    }
    rndc = connection.value.client;
    primary = { ...primary, rndc };
  }
  const common = {
    zone,
    servers: targets,
    ...(primary ? { primary } : {}),
    ...(serial !== undefined ? { serial } : {}),
    ...(key.value ? { key: key.value } : {}),
    ...(options.content === true ? { compareContent: true } : {}),
    ...(options.tcp === true ? { tcp: true } : {}),
    signal: io.signal,
  };
  const result: Result<PropagationReport | PropagationWait, PropagationError> =
    waitSeconds === undefined
      ? await checkPropagation({ ...common, timeoutMs: CHECK_TIMEOUT_MS })
      : await waitForPropagation({
          ...common,
          timeoutMs: Math.round(waitSeconds * 1000),
          ...(quorum !== undefined ? { quorum } : {}),
          ...(nudge ? { nudge: true } : {}),
        }).finally(() => rndc?.close());
  if (result.isErr()) {
    const status = result.error.kind === 'invalid-argument' ? 1 : 2;
    if (json)
      writeJson(
        io,
        document(
          zone,
          undefined,
          jsonError(result.error),
          warnings.map((w) => w.message),
          result.error.primary,
        ),
      );
    else {
      io.stderr.write(formatError(result.error, 'propagation'));
      if (result.error.primary) io.stderr.write(`  ${line(result.error.primary, 'primary')}\n`);
    }
    return status;
  }
  const report = result.value;
  const goal = 'met' in report ? report.met : report.served === report.servers.length;
  if (json)
    writeJson(
      io,
      document(
        zone,
        report,
        null,
        warnings.map((w) => w.message),
      ),
    );
  else io.stdout.write(reportText(report, goal));
  return goal ? 0 : 1;
}

/** One server's line: `LABEL (host#port): VERDICT detail`. */
function line(s: ServerVerdict, role?: string): string {
  const name = role
    ? `${role} ${s.server}`
    : s.label && s.label !== s.server
      ? `${s.label} (${s.server})`
      : s.server;
  return `${name}: ${s.verdict.kind} — ${s.verdict.detail}${s.authenticated ? ' [TSIG verified]' : ''}`;
}

/** The human report. */
export function reportText(report: PropagationReport | PropagationWait, goal: boolean): string {
  const waited = 'met' in report;
  const head = waited
    ? `${report.zone} serial ${report.target}: ${report.served} of ${report.servers.length} server(s) serve it (quorum ${report.quorum}) after ${report.rounds} round(s), ${(report.elapsedMs / 1000).toFixed(1)} s${report.aborted ? ' (interrupted)' : ''}`
    : `${report.zone} serial ${report.target}: ${report.served} of ${report.servers.length} server(s) serve it`;
  const lines = [head];
  if (report.primary) lines.push(`  ${line(report.primary, 'primary')}`);
  for (const server of report.servers) lines.push(`  ${line(server)}`);
  if (waited) {
    for (const n of report.nudges)
      lines.push(`  nudged ${n.server}: rndc ${n.command}: ${n.ok ? 'ok' : `failed (${n.error})`}`);
  }
  lines.push(goal ? 'propagated' : 'NOT propagated');
  return `${lines.join('\n')}\n`;
}

function jsonVerdict(s: ServerVerdict) {
  const v: Verdict = s.verdict;
  return {
    server: s.server,
    label: s.label ?? null,
    verdict: v.kind,
    detail: v.detail,
    serial: 'serial' in v ? v.serial : null,
    lag: v.kind === 'stale' ? (v.lag ?? null) : null,
    lagSeconds: v.kind === 'stale' ? (v.lagSeconds ?? null) : null,
    rcode: 'rcode' in v ? v.rcode : null,
    content:
      v.kind === 'served' ? (v.content?.status ?? null) : v.kind === 'diverged' ? 'differs' : null,
    authenticated: s.authenticated,
    servedAt: s.servedAt ? s.servedAt.toISOString() : null,
    elapsedMs: s.elapsedMs,
  };
}

function document(
  zone: string,
  report: PropagationReport | PropagationWait | undefined,
  error: JsonError | null,
  warnings: readonly string[],
  primary?: ServerVerdict,
) {
  const waited = report !== undefined && 'met' in report;
  const met =
    report === undefined ? false : waited ? report.met : report.served === report.servers.length;
  return {
    ok: error === null && met,
    command: 'propagation',
    zone: report?.zone ?? zone,
    target: report?.target ?? null,
    met,
    served: report?.served ?? 0,
    quorum: waited ? report.quorum : null,
    rounds: waited ? report.rounds : null,
    elapsedMs: waited ? report.elapsedMs : null,
    primary: report?.primary ? jsonVerdict(report.primary) : primary ? jsonVerdict(primary) : null,
    primaryDigest: report?.primaryDigest ?? null,
    nudges: waited ? report.nudges.map((n) => ({ ...n, error: n.error ?? null })) : [],
    servers: report ? report.servers.map(jsonVerdict) : [],
    warnings: [...warnings],
    error,
  };
}
