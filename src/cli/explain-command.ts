/**
 * `rndc-js explain [FILE|-] [--wait SECONDS] [--json]`: read a named log — a file, standard
 * input, or a paste from `kubectl logs`/stern/k9s — and say per zone what went wrong: which
 * dump step fails, since when, how often, the likely cause and the remedy, with the lines as
 * evidence (explainNamedLogSource). Exit 0 nothing wrong found, 1 problems explained, 2 the log
 * could not be read.
 */
import {
  type ExplainedProblem,
  type ExplainedSource,
  type ExplainedZone,
  type ExplainSource,
  explainNamedLogSource,
} from '../dump/explain.js';
import { unwrapPastedLine } from '../dump/log.js';
import { type GlobalSettings, optionText, parseArgs, parseSeconds } from './args.js';
import { type CliIo, PROGRAM } from './io.js';
import { formatError, isoOrNull, jsonError, writeJson } from './output.js';
import { usageError } from './usage.js';

/** Exit statuses of `explain`. */
export const EXIT_NOTHING_WRONG = 0;
export const EXIT_EXPLAINED = 1;
export const EXIT_UNREADABLE = 2;

/** How long a stream is read by default before what arrived is explained. */
const DEFAULT_WAIT_SECONDS = 60;
/** Longest line of evidence printed (a hostile log's lines can be 16 KiB). */
const MAX_EVIDENCE_CHARS = 400;

const EXPLAIN_OPTIONS = [{ long: 'json' }, { long: 'wait', value: true, key: 'wait' }] as const;

/** `explain [FILE|-] …`; `args` are the words after `explain`. */
export async function explainCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, EXPLAIN_OPTIONS);
  if (parsed.isErr()) return usageError(io, parsed.error, 'explain');
  const { options, operands } = parsed.value;
  const json = settings.json || options.json === true;
  if (operands.length > 1) return usageError(io, `unexpected argument '${operands[1]}'`, 'explain');
  const waitText = optionText(options, 'wait');
  const waitSeconds = waitText === undefined ? DEFAULT_WAIT_SECONDS : parseSeconds(waitText);
  if (waitSeconds === undefined) {
    return usageError(io, `--wait '${waitText}' is not a number of seconds`, 'explain');
  }
  const file = operands[0] ?? '-';
  const source: ExplainSource =
    file === '-' ? { stream: stdinStream(io), name: 'standard input' } : { path: file };
  if (file === '-' && io.stdinIsTTY) {
    io.stderr.write(`${PROGRAM}: reading named's log from the terminal: paste it, then Ctrl-D\n`);
  }
  const read = await explainNamedLogSource(source, {
    deadline: Date.now() + Math.round(waitSeconds * 1000),
    signal: io.signal,
  });
  const name = file === '-' ? 'standard input' : file;
  if (read.isErr()) {
    if (json)
      writeJson(io, { ok: false, source: name, explanation: null, error: jsonError(read.error) });
    else io.stderr.write(formatError(read.error));
    return EXIT_UNREADABLE;
  }
  const result = read.value;
  if (json) writeJson(io, jsonDocument(name, result));
  else io.stdout.write(explanationText(name, result));
  return result.explanation.problemCount > 0 ? EXIT_EXPLAINED : EXIT_NOTHING_WRONG;
}

/** Standard input as a stream: the process's own, or what a test's CliIo gives. */
function stdinStream(io: CliIo): AsyncIterable<string | Uint8Array> {
  if (io.stdinStream) return io.stdinStream;
  return (async function* () {
    yield await io.readStdin();
  })();
}

/** Control characters of a hostile log must not reach the terminal: shown as `\xNN`. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code > 0xff
      ? `\\u${code.toString(16).padStart(4, '0')}`
      : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

function clip(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.length > MAX_EVIDENCE_CHARS ? `${trimmed.slice(0, MAX_EVIDENCE_CHARS)}…` : trimmed;
}

function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `dyn.test (zone file zones/dyn.test.db)`, or the file or directory when no zone is named. */
function subjectTitle(zone: ExplainedZone): string {
  const names = zone.zones.map(printable).join(', ');
  const file = zone.zoneFile !== undefined ? `zone file ${printable(zone.zoneFile)}` : undefined;
  const dir = zone.directory !== undefined ? `directory ${printable(zone.directory)}/` : undefined;
  if (names) return `zone ${names} (${file ?? dir ?? 'file not logged'})`;
  return file ?? dir ?? 'zone not named in the log';
}

const AREA_WORDS: Record<ExplainedProblem['area'], string> = {
  dump: 'dumps fail',
  journal: 'the journal fails',
  update: 'dynamic updates fail',
  load: 'the zone does not load',
  startup: 'named cannot start',
};

function problemText(problem: ExplainedProblem, indent: string): string {
  const lines: string[] = [];
  const at = problem.step === 'update' || problem.step === 'load' ? '' : ` at ${problem.step}`;
  const errno =
    problem.errno !== undefined
      ? ` (errno ${problem.errno}${problem.strerror ? ` ${printable(problem.strerror)}` : ''})`
      : '';
  lines.push(`${AREA_WORDS[problem.area]}${at}: ${printable(problem.result)}${errno}`);
  const times = problem.count === 1 ? 'once' : `${problem.count} times`;
  const when =
    problem.first && problem.last
      ? problem.count === 1
        ? `, at ${problem.first.toISOString()}`
        : `, from ${problem.first.toISOString()} to ${problem.last.toISOString()}`
      : '';
  lines.push(
    `  ${times}${when} (line ${problem.firstLine}${problem.lastLine !== problem.firstLine ? `–${problem.lastLine}` : ''})`,
  );
  const cadence = problem.cadence;
  if (cadence && problem.area === 'dump') {
    const spread =
      cadence.minSeconds === cadence.maxSeconds
        ? duration(cadence.minSeconds)
        : `${duration(cadence.minSeconds)} to ${duration(cadence.maxSeconds)}, ${duration(cadence.meanSeconds)} on average`;
    const retry =
      cadence.inRetryWindow > 0
        ? `; ${cadence.inRetryWindow} of ${cadence.gaps} gaps are named's own retry of a failed dump (every 676–900 s, ~13 min): it keeps failing with no one asking`
        : '';
    lines.push(`  repeated every ${spread}${retry}`);
  }
  lines.push(`  cause:    ${printable(problem.cause.text)}`);
  if (problem.cause.note) lines.push(`            ${printable(problem.cause.note)}`);
  lines.push(`  remedy:   ${printable(problem.remedy)}`);
  lines.push('  evidence:');
  for (const evidence of problem.evidence) {
    evidence.raw.forEach((raw, i) => {
      lines.push(
        `    ${String(evidence.line + i).padStart(6)}  ${printable(clip(unwrapPastedLine(raw)))}`,
      );
    });
  }
  return lines.map((line) => `${indent}${line}\n`).join('');
}

/** The text report. */
export function explanationText(name: string, read: ExplainedSource): string {
  const e = read.explanation;
  let out = '';
  const span = e.from && e.to ? `, ${e.from.toISOString()} to ${e.to.toISOString()}` : '';
  out += `read ${e.lines} line${e.lines === 1 ? '' : 's'} (${read.bytesRead} bytes) from ${printable(name)}${span}: ${e.events} about zones, dumps, journals or commands\n`;
  if (read.skippedBytes > 0) {
    out += `  only the last ${read.bytesRead} bytes were read: ${read.skippedBytes} earlier bytes were skipped\n`;
  }
  if (!read.complete) {
    const why =
      read.stoppedBy === 'max-bytes'
        ? 'the size limit'
        : read.stoppedBy === 'signal'
          ? 'an interruption'
          : 'the deadline (--wait)';
    out += `  reading stopped at ${why} before the end of the input: later lines were not looked at\n`;
  }
  if (e.problemCount === 0) {
    out +=
      e.events === 0
        ? `no line was recognised as named's (is this named's log? dump errors are logged in category general at severity error)\nnothing wrong found in what was read\n`
        : 'nothing wrong found: no failed dump, journal, update or load was logged\n';
    return out;
  }
  out += `${e.problemCount} problem${e.problemCount === 1 ? '' : 's'}:\n`;
  for (const problem of e.general) out += `\n${problemText(problem, '')}`;
  for (const zone of e.zones) {
    out += `\n${subjectTitle(zone)}\n`;
    for (const problem of zone.problems) out += problemText(problem, '  ');
  }
  if (e.omittedZones > 0) out += `\n(${e.omittedZones} more zones left out)\n`;
  if (e.omittedOccurrences > 0) {
    out += `(${e.omittedOccurrences} failure lines of further problems left out)\n`;
  }
  return out;
}

function jsonProblem(problem: ExplainedProblem) {
  return {
    area: problem.area,
    step: problem.step,
    result: problem.result,
    location: problem.location ?? null,
    errno: problem.errno ?? null,
    strerror: problem.strerror ?? null,
    unexpectedErrorAt: problem.unexpectedErrorAt ?? null,
    cause: { id: problem.cause.id, text: problem.cause.text, note: problem.cause.note ?? null },
    remedy: problem.remedy,
    count: problem.count,
    first: isoOrNull(problem.first),
    last: isoOrNull(problem.last),
    firstLine: problem.firstLine,
    lastLine: problem.lastLine,
    cadence: problem.cadence ?? null,
    evidence: problem.evidence.map((e) => ({ line: e.line, raw: [...e.raw] })),
  };
}

/** The `--json` document. */
function jsonDocument(name: string, read: ExplainedSource) {
  const e = read.explanation;
  return {
    ok: e.problemCount === 0,
    source: name,
    bytesRead: read.bytesRead,
    skippedBytes: read.skippedBytes,
    complete: read.complete,
    stoppedBy: read.stoppedBy ?? null,
    lines: e.lines,
    events: e.events,
    from: isoOrNull(e.from),
    to: isoOrNull(e.to),
    problemCount: e.problemCount,
    general: e.general.map(jsonProblem),
    zones: e.zones.map((zone) => ({
      zones: [...zone.zones],
      zoneFile: zone.zoneFile ?? null,
      directory: zone.directory ?? null,
      problems: zone.problems.map(jsonProblem),
    })),
    omittedZones: e.omittedZones,
    omittedOccurrences: e.omittedOccurrences,
    error: null,
  };
}
