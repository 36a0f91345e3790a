/**
 * `rndc-js triggers [--notes] [--json]`: the dump-trigger table (dumpTriggers) as aligned text —
 * operation, what is written, when, source — or the rows as a JSON array.
 */
import { type DumpTrigger, dumpTriggers } from '../dump/triggers.js';
import { type GlobalSettings, parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { writeJson } from './output.js';
import { usageError } from './usage.js';

/** The "when" column: `delayed 676–900 s`, `async-now`, … */
export function whenText(trigger: DumpTrigger): string {
  if (trigger.timing === 'delayed' && trigger.delaySeconds) {
    return `delayed ${trigger.delaySeconds[0]}–${trigger.delaySeconds[1]} s`;
  }
  return trigger.timing;
}

/** The "writes" column: `journal, zone-file` (plus `journal deleted`), or `nothing`. */
export function writesText(trigger: DumpTrigger): string {
  const parts = trigger.writes.length > 0 ? [...trigger.writes] : ['nothing'];
  if (trigger.deletesJournal) parts.push('deletes journal');
  return parts.join(', ');
}

/** Narrowest room for the SOURCE column beside the others; below it, one block per row. */
const MIN_LAST_COLUMN = 24;
/** Indent of the notes and of a block's labelled cells. */
const INDENT = '    ';

/**
 * `text` in lines of at most `width` characters, broken at spaces; a word longer than a line is
 * cut. `width` undefined: one line.
 */
export function wrapText(text: string, width: number | undefined): string[] {
  if (width === undefined || text.length <= width) return [text];
  const room = Math.max(1, Math.floor(width));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    let rest = word;
    while (rest.length > room) {
      if (line !== '') lines.push(line);
      line = '';
      lines.push(rest.slice(0, room));
      rest = rest.slice(room);
    }
    if (line === '') line = rest;
    else if (line.length + 1 + rest.length <= room) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * The table, columns padded to their widest cell. With `width` (a terminal's), the SOURCE column
 * and the notes wrap to it; without, each row is one line (piped output stays greppable).
 */
export function triggersTable(
  triggers: readonly DumpTrigger[],
  notes = false,
  width?: number,
): string {
  const header = ['OPERATION', 'WRITES', 'WHEN', 'SOURCE'];
  const rows = triggers.map((t) => [t.operation, writesText(t), whenText(t), t.source]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // Where SOURCE starts: after the three padded columns and their two-space gaps.
  const sourceAt = widths.slice(0, 3).reduce((sum, w) => sum + w + 2, 0);
  if (width !== undefined && width - sourceAt < MIN_LAST_COLUMN)
    return stacked(rows, triggers, notes, width);
  const line = (cells: readonly string[]) => {
    const lead = cells.slice(0, 3).map((cell, i) => cell.padEnd(widths[i] ?? 0));
    const [first = '', ...more] = wrapText(
      cells[3] ?? '',
      width === undefined ? undefined : width - sourceAt,
    );
    const pad = ' '.repeat(sourceAt);
    return `${[...lead, first].join('  ').trimEnd()}\n${more.map((part) => `${pad}${part}\n`).join('')}`;
  };
  let out = line(header);
  triggers.forEach((trigger, i) => {
    out += line(rows[i] ?? []);
    if (notes) out += indented(trigger.note, width);
  });
  return out;
}

/** `text` wrapped to `width` (if any) less the indent, each line indented. */
function indented(text: string, width: number | undefined, indent = INDENT): string {
  const room = width === undefined ? undefined : width - indent.length;
  return wrapText(text, room)
    .map((part) => `${indent}${part}\n`)
    .join('');
}

/**
 * A terminal too narrow for the table: one block per row — the operation, then its other cells
 * labelled and indented, each wrapped to `width`.
 */
function stacked(
  rows: readonly (readonly string[])[],
  triggers: readonly DumpTrigger[],
  notes: boolean,
  width: number,
): string {
  const labels = ['writes: ', 'when:   ', 'source: '];
  let out = '';
  triggers.forEach((trigger, i) => {
    const [operation = '', ...cells] = rows[i] ?? [];
    out += wrapText(operation, width)
      .map((part) => `${part}\n`)
      .join('');
    cells.forEach((cell, c) => {
      const label = `${INDENT}${labels[c] ?? ''}`;
      const [first = '', ...more] = wrapText(cell, width - label.length);
      out += `${label}${first}\n`;
      for (const part of more) out += `${' '.repeat(label.length)}${part}\n`;
    });
    if (notes) out += indented(trigger.note, width);
  });
  return out;
}

/** The terminal's width when stdout is one; undefined (no wrapping) when piped. */
function terminalWidth(io: CliIo): number | undefined {
  const columns = io.stdout.columns;
  return io.stdout.isTTY === true && typeof columns === 'number' && columns >= 20
    ? columns
    : undefined;
}

/** `triggers …`; `args` are the words after `triggers`. */
export async function triggersCommand(
  args: readonly string[],
  settings: GlobalSettings,
  io: CliIo,
): Promise<number> {
  const parsed = parseArgs(args, [{ long: 'json' }, { long: 'notes' }]);
  if (parsed.isErr()) return usageError(io, parsed.error, 'triggers');
  if (parsed.value.operands.length > 0) {
    return usageError(io, `unexpected argument '${parsed.value.operands[0]}'`, 'triggers');
  }
  if (settings.json || parsed.value.options.json === true) {
    writeJson(
      io,
      dumpTriggers.map((t) => ({
        id: t.id,
        operation: t.operation,
        commands: [...(t.commands ?? [])],
        writes: [...t.writes],
        timing: t.timing,
        delaySeconds: t.delaySeconds ? [...t.delaySeconds] : null,
        deletesJournal: t.deletesJournal === true,
        note: t.note,
        source: t.source,
      })),
    );
  } else {
    io.stdout.write(
      triggersTable(dumpTriggers, parsed.value.options.notes === true, terminalWidth(io)),
    );
  }
  return 0;
}
