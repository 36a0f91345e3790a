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

/** The table, columns padded to their widest cell. */
export function triggersTable(triggers: readonly DumpTrigger[], notes = false): string {
  const header = ['OPERATION', 'WRITES', 'WHEN', 'SOURCE'];
  const rows = triggers.map((t) => [t.operation, writesText(t), whenText(t), t.source]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  let out = `${line(header)}\n`;
  triggers.forEach((trigger, i) => {
    out += `${line(rows[i] ?? [])}\n`;
    if (notes) out += `    ${trigger.note}\n`;
  });
  return out;
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
    io.stdout.write(triggersTable(dumpTriggers, parsed.value.options.notes === true));
  }
  return 0;
}
