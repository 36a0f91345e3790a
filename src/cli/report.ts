/**
 * Readable and JSON forms of dump evidence and storage diagnoses, shared by `sync/freeze --verify`
 * and `doctor`. The JSON field names are the documented, stable ones (docs/cli.md).
 */
import { type Finding, namedAccessChecked, type StorageDiagnosis } from '../dump/diagnose.js';
import type { JournalInfo } from '../dump/journal.js';
import type { NamedLogEvent } from '../dump/log.js';
import type { DumpEvidence } from '../dump/verify.js';
import { cliWording, isoOrNull } from './output.js';

// ---- JSON ----

export interface JsonJournal {
  readonly path: string;
  readonly startSerial: number;
  readonly endSerial: number;
  readonly size: number;
  readonly empty: boolean;
}

export interface JsonLogEvent {
  readonly kind: string;
  readonly time: string | null;
  readonly lines: readonly string[];
}

export interface JsonFinding {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'info';
  readonly title: string;
  readonly evidence: readonly string[];
  readonly remedy: string;
  readonly pattern: number | null;
}

export interface JsonIdentity {
  readonly source: string;
  readonly pid: number | null;
  readonly command: string | null;
  readonly user: string | null;
  readonly uid: number | null;
  readonly gid: number | null;
  readonly groups: readonly number[];
  readonly capabilities: readonly string[];
  /** Identity checks of the process taken for named: `passed` true, false, or null (not checked). */
  readonly checks: readonly { check: string; passed: boolean | null; detail: string }[];
  /** Why named's identity is not verified or was not found. */
  readonly notes: readonly string[];
}

export interface JsonDiagnosis {
  readonly zoneFile: string;
  readonly zoneDir: string;
  readonly journalFile: string;
  readonly identity: JsonIdentity;
  /** `not-checked`: named's identity is unknown or not verified; its access was not judged. */
  readonly namedAccess: 'checked' | 'not-checked';
  readonly fileSerial: number | null;
  readonly servedSerial: number | null;
  readonly tmpFiles: readonly { name: string; size: number; mtime: string | null }[];
  readonly findings: readonly JsonFinding[];
  /** Free space and inodes where named writes (statfs). */
  readonly space: readonly {
    path: string;
    availableBytes: number;
    neededBytes: number;
    freeInodes: number | null;
  }[];
  readonly errors: number;
  readonly warnings: number;
}

export interface JsonEvidence {
  readonly zone: string;
  readonly verdict: string;
  readonly failedStep: string | null;
  readonly summary: string;
  readonly remedy: string | null;
  readonly zoneFile: string;
  readonly servedSerial: number;
  readonly fileSerialBefore: number | null;
  readonly fileSerialAfter: number | null;
  readonly signed: {
    readonly file: string;
    readonly servedSerial: number;
    readonly fileSerial: number | null;
  } | null;
  readonly mtimeBefore: string | null;
  readonly mtimeAfter: string | null;
  readonly newTmpFiles: readonly string[];
  readonly journalFile: string;
  readonly journalBefore: JsonJournal | null;
  readonly journalAfter: JsonJournal | null;
  readonly logRead: boolean;
  /** Why the named log given could not be read, or null. */
  readonly logProblem: string | null;
  readonly logEvents: readonly JsonLogEvent[];
  readonly elapsedMs: number;
  readonly diagnosis: JsonDiagnosis | null;
  readonly fileProblems: readonly string[];
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

function jsonJournal(journal: JournalInfo | undefined): JsonJournal | null {
  if (!journal) return null;
  return {
    path: journal.path,
    startSerial: journal.startSerial,
    endSerial: journal.endSerial,
    size: journal.size,
    empty: journal.empty,
  };
}

function jsonLogEvent(event: NamedLogEvent): JsonLogEvent {
  return { kind: event.kind, time: isoOrNull(event.time), lines: [...event.raw] };
}

export function jsonFinding(finding: Finding): JsonFinding {
  return {
    code: finding.code,
    severity: finding.severity,
    title: finding.title,
    evidence: [...finding.evidence],
    remedy: finding.remedy,
    pattern: orNull(finding.pattern),
  };
}

/** How many findings are errors and how many warnings. */
export function severityCounts(findings: readonly Finding[]): { errors: number; warnings: number } {
  const count = (severity: Finding['severity']) =>
    findings.filter((finding) => finding.severity === severity).length;
  return { errors: count('error'), warnings: count('warning') };
}

export function jsonDiagnosis(diagnosis: StorageDiagnosis): JsonDiagnosis {
  const f = diagnosis.facts;
  return {
    zoneFile: f.zoneFile,
    zoneDir: f.zoneDir,
    journalFile: f.journalFile,
    identity: {
      source: f.identity,
      pid: orNull(f.pid),
      command: orNull(f.command),
      user: orNull(f.user),
      uid: orNull(f.uid),
      gid: orNull(f.gid),
      groups: [...(f.groups ?? [])],
      capabilities: [...f.capabilities],
      checks: f.identityChecks.map((c) => ({
        check: c.check,
        passed: c.passed ?? null,
        detail: c.detail,
      })),
      notes: [...f.identityNotes],
    },
    namedAccess: namedAccessChecked(f) ? 'checked' : 'not-checked',
    fileSerial: orNull(f.fileSerial),
    servedSerial: orNull(f.servedSerial),
    tmpFiles: f.tmpFiles.map((t) => ({ name: t.name, size: t.size, mtime: isoOrNull(t.mtime) })),
    findings: diagnosis.findings.map(jsonFinding),
    space: f.space.map((x) => ({
      path: x.path,
      availableBytes: x.availableBytes,
      neededBytes: x.neededBytes,
      freeInodes: orNull(x.freeInodes),
    })),
    ...severityCounts(diagnosis.findings),
  };
}

export function jsonEvidence(evidence: DumpEvidence): JsonEvidence {
  return {
    zone: evidence.zone,
    verdict: evidence.verdict,
    failedStep: orNull(evidence.failedStep),
    summary: evidence.summary,
    remedy: orNull(evidence.remedy),
    zoneFile: evidence.zoneFile,
    servedSerial: evidence.servedSerial,
    fileSerialBefore: orNull(evidence.fileSerialBefore),
    fileSerialAfter: orNull(evidence.fileSerialAfter),
    signed: evidence.signed
      ? {
          file: evidence.signed.file,
          servedSerial: evidence.signed.servedSerial,
          fileSerial: orNull(evidence.signed.fileSerial),
        }
      : null,
    mtimeBefore: isoOrNull(evidence.mtimeBefore),
    mtimeAfter: isoOrNull(evidence.mtimeAfter),
    newTmpFiles: [...evidence.newTmpFiles],
    journalFile: evidence.journalFile,
    journalBefore: jsonJournal(evidence.journalBefore),
    journalAfter: jsonJournal(evidence.journalAfter),
    logRead: evidence.logRead,
    logProblem: evidence.logProblem ?? null,
    logEvents: evidence.logEvents.map(jsonLogEvent),
    elapsedMs: evidence.elapsedMs,
    diagnosis: evidence.diagnosis ? jsonDiagnosis(evidence.diagnosis) : null,
    fileProblems: [...evidence.fileProblems],
  };
}

// ---- text ----

const show = (value: number | undefined): string =>
  value === undefined ? '(unreadable)' : String(value);
const time = (date: Date | undefined): string => isoOrNull(date) ?? '(none)';

function field(label: string, value: string): string {
  return `  ${`${label}:`.padEnd(16)}${value}\n`;
}

function journalText(journal: JournalInfo | undefined): string {
  if (!journal) return 'none';
  return journal.empty
    ? `empty (${journal.size} bytes)`
    : `serials ${journal.startSerial} → ${journal.endSerial} (${journal.size} bytes)`;
}

/** The findings block: severity, title, evidence, remedy. */
export function findingsText(findings: readonly Finding[], indent = '  '): string {
  let out = '';
  for (const finding of findings) {
    out += `${indent}${finding.severity.toUpperCase()} ${finding.code}: ${finding.title}\n`;
    for (const line of finding.evidence) out += `${indent}    ${line}\n`;
    out += `${indent}    remedy: ${finding.remedy}\n`;
  }
  return out;
}

/** The evidence of a verified dump, for a person. */
export function evidenceText(evidence: DumpEvidence): string {
  const verdicts: Record<string, string> = {
    written: 'WRITTEN (proven)',
    'nothing-pending': 'NOTHING PENDING (the file already held the served serial)',
    failed: 'FAILED',
    unknown: 'NOT PROVEN (no proof either way before the deadline)',
  };
  let out = `${evidence.zone}: ${verdicts[evidence.verdict] ?? evidence.verdict}\n`;
  out += field('summary', evidence.summary);
  if (evidence.failedStep) out += field('failed step', evidence.failedStep);
  out += field('zone file', evidence.zoneFile);
  out += field(
    'serial',
    `served ${evidence.servedSerial}, file ${show(evidence.fileSerialBefore)} before → ${show(evidence.fileSerialAfter)} now`,
  );
  if (evidence.signed) {
    out += field(
      'signed file',
      `${evidence.signed.file}: served ${evidence.signed.servedSerial}, file ${show(evidence.signed.fileSerial)}`,
    );
  }
  out += field(
    'file mtime',
    `${time(evidence.mtimeBefore)} before → ${time(evidence.mtimeAfter)} now`,
  );
  out += field(
    'temp files',
    evidence.newTmpFiles.length > 0 ? `${evidence.newTmpFiles.join(', ')} (new)` : 'none new',
  );
  out += field(
    'journal',
    `${journalText(evidence.journalBefore)} before → ${journalText(evidence.journalAfter)} now`,
  );
  out += field('journal file', evidence.journalFile);
  if (!evidence.logRead && evidence.logProblem) {
    out += field('named log', `could not be read: ${evidence.logProblem}`);
  } else if (!evidence.logRead) {
    out += field('named log', 'not read (pass --named-log to see dump errors)');
  } else if (evidence.logEvents.length === 0) {
    out += field('named log', 'no dump or journal errors logged');
  } else {
    out += field('named log', `${evidence.logEvents.length} matching line(s):`);
    for (const event of evidence.logEvents) {
      for (const line of event.raw) out += `    ${line}\n`;
    }
  }
  if (evidence.fileProblems.length > 0) {
    out += field('file problems', `${evidence.fileProblems.length}:`);
    for (const problem of evidence.fileProblems) out += `    ${problem}\n`;
  }
  out += field('elapsed', `${evidence.elapsedMs} ms`);
  if (evidence.diagnosis && evidence.diagnosis.findings.length > 0) {
    out += '  findings:\n';
    out += findingsText(evidence.diagnosis.findings, '    ');
  }
  if (evidence.remedy && (evidence.verdict !== 'written' || evidence.fileProblems.length > 0))
    out += field('remedy', cliWording(evidence.remedy));
  return out;
}
