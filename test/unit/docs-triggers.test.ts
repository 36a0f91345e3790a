// docs/dump-awareness.md shows the trigger table; it must say what `dumpTriggers` says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DumpTrigger, dumpTriggers } from '../../src/dump/triggers.js';

interface DocRow {
  readonly id: string;
  readonly operation: string;
  readonly writes: string;
  readonly when: string;
}

/** The rows of the table between the dump-triggers markers, cells unescaped. */
function documentedRows(markdown: string): DocRow[] {
  const section = /<!-- dump-triggers:start -->\n([\s\S]*?)<!-- dump-triggers:end -->/.exec(
    markdown,
  )?.[1];
  if (section === undefined) throw new Error('docs/dump-awareness.md: no dump-triggers markers');
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) =>
        cell
          .trim()
          .replace(/\\\|/g, '|')
          .replace(/&lt;/g, '<')
          .replace(/&gt;/g, '>')
          .replace(/&amp;/g, '&'),
      );
  const [header, separator, ...body] = lines;
  expect(header && cells(header)).toEqual(['id', 'operation', 'writes', 'when']);
  expect(separator).toMatch(/^\|[\s|-]+\|$/);
  return body.map((line) => {
    const [id = '', operation = '', writes = '', when = ''] = cells(line);
    return { id: id.replace(/^`|`$/g, ''), operation, writes, when };
  });
}

function expectedWrites(trigger: DumpTrigger): string {
  const files = trigger.writes.length > 0 ? trigger.writes.join(', ') : '—';
  return trigger.deletesJournal ? `${files} (deletes the journal)` : files;
}

function expectedWhen(trigger: DumpTrigger): string {
  if (trigger.timing !== 'delayed') return trigger.timing;
  const [min, max] = trigger.delaySeconds ?? [];
  return `delayed ${min}–${max} s`;
}

describe('docs/dump-awareness.md trigger table', () => {
  const rows = documentedRows(readFileSync('docs/dump-awareness.md', 'utf8'));

  it('lists every trigger of dumpTriggers, once, in the same order', () => {
    expect(rows.map((row) => row.id)).toEqual(dumpTriggers.map((trigger) => trigger.id));
  });

  it.each(dumpTriggers.map((trigger) => [trigger.id, trigger] as const))(
    'row %s matches its operation, files and timing',
    (id, trigger) => {
      const row = rows.find((candidate) => candidate.id === id);
      expect(row).toEqual({
        id,
        operation: trigger.operation,
        writes: expectedWrites(trigger),
        when: expectedWhen(trigger),
      });
    },
  );
});
