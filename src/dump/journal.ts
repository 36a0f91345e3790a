/**
 * The header of a BIND journal (`.jnl`): which serials the journal spans, without reading its
 * transactions.
 *
 * Layout (BIND 9.18 lib/dns/journal.c, `journal_rawheader_t`, 64 bytes, big-endian):
 *
 * | offset | bytes | field |
 * |---|---|---|
 * | 0 | 16 | format: `;BIND LOG V9\n` or `;BIND LOG V9.2\n`, NUL-padded |
 * | 16 | 4+4 | begin: serial and file offset of the first addressable transaction |
 * | 24 | 4+4 | end: serial after the last transaction, and the offset just past it |
 * | 32 | 4 | index size (entries of 8 bytes following the header; 56 when named creates it) |
 * | 36 | 4 | source serial (inline-signing), valid when flag bit 0 is set |
 * | 40 | 1 | flags |
 * | 41 | 23 | padding |
 *
 * The journal is empty when begin and end offsets are equal (a new journal has both 0).
 */
import { resolve } from 'node:path';
import { RndcLibraryError } from '../errors.js';
import { type FileProblem, openRegularFile } from '../files/regular-file.js';
import { Err, Ok, type Result } from '../result.js';

/** What the header of a journal says. */
export interface JournalInfo {
  /** The format text without `;` and newline: `BIND LOG V9.2` (current) or `BIND LOG V9`. */
  readonly version: string;
  /**
   * 2 for `BIND LOG V9.2`; 1 for `BIND LOG V9` (named-journalprint's "Header version"). A
   * version-1 header may still hold version-2 transactions (BIND once forgot to change it).
   */
  readonly headerVersion: 1 | 2;
  /** SOA serial before the first addressable transaction ("Start serial"). */
  readonly startSerial: number;
  /** SOA serial after the last transaction ("End serial"): the zone's serial with the journal applied. */
  readonly endSerial: number;
  /** File offset of the first transaction (0 in a journal never written to). */
  readonly startOffset: number;
  /** File offset just past the last committed transaction. */
  readonly endOffset: number;
  /** Number of index entries after the header. */
  readonly indexSize: number;
  /** Inline-signing: the source (unsigned) serial recorded in the header, when set. */
  readonly sourceSerial?: number;
  /** Size of the file in bytes. */
  readonly size: number;
  /** True when the journal holds no transaction (begin offset == end offset). */
  readonly empty: boolean;
  /** The journal's absolute path. */
  readonly path: string;
}

/** Why a journal header could not be read. */
export type JournalErrorKind =
  /** No such file. Normal: a zone has no journal until its first update. */
  | 'not-found'
  /** The file exists but cannot be read (permissions, a directory…). */
  | 'unreadable'
  /**
   * A FIFO, socket or device where the journal should be: something replaced named's journal
   * (named's user owns the directory). It is never opened for reading.
   */
  | 'not-regular'
  /** The caller's deadline passed or its signal aborted before the header was read. */
  | 'timeout'
  /** The file does not start with a BIND journal header. */
  | 'not-journal'
  /** A journal header whose sizes or positions do not fit the file (truncated or damaged). */
  | 'corrupt';

/** A journal that could not be read. */
export class JournalError extends RndcLibraryError<JournalErrorKind> {
  /** The journal's path. */
  readonly file: string;

  constructor(details: {
    kind: JournalErrorKind;
    message: string;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
    file: string;
  }) {
    super(details);
    this.file = details.file;
  }
}

/** Size of the fixed journal header (`JOURNAL_HEADER_SIZE`). */
export const JOURNAL_HEADER_BYTES = 64;
const FORMAT_BYTES = 16;
/** `JOURNAL_SERIALSET`: the header's source serial is valid. */
const FLAG_SERIALSET = 0x01;
const FORMATS: ReadonlyArray<{ text: string; headerVersion: 1 | 2 }> = [
  { text: ';BIND LOG V9.2\n', headerVersion: 2 },
  { text: ';BIND LOG V9\n', headerVersion: 1 },
];

/** Options of {@link readJournalInfo}. */
export interface ReadJournalOptions {
  /** Absolute deadline (`Date.now()` milliseconds): reading stops with `timeout`. */
  readonly deadline?: number | undefined;
  /** Stops reading with `timeout` when aborted. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Reads a journal's header: the serial range it covers and whether it is empty.
 *
 * The result equals the header part of `named-journalprint -x FILE` (`Journal format`,
 * `Header version`, `Start serial`, `End serial`, `Index (size = N)`, `Source serial`).
 * Transactions are not read or checked. A missing file is the distinct error `not-found`:
 * dynamic zones have no journal until their first update, and `rndc sync -clean` removes it.
 * Anything but a regular file (a FIFO planted in named's directory…) is `not-regular`, found
 * without opening it for reading, so it can never block.
 *
 * Never throws.
 *
 * @param path - the journal, normally the zone file's path + `.jnl`
 */
export async function readJournalInfo(
  path: string,
  options: ReadJournalOptions = {},
): Promise<Result<JournalInfo, JournalError>> {
  const file = resolve(path);
  const stopped = () =>
    options.signal?.aborted === true ||
    (options.deadline !== undefined && Date.now() >= options.deadline);
  if (stopped()) return Err(journalTimeout(file));
  const opened = await openRegularFile(file);
  if (opened.isErr()) return Err(journalOpenError(file, opened.error));
  const { handle, stats } = opened.value;
  try {
    const header = Buffer.alloc(JOURNAL_HEADER_BYTES);
    let got = 0;
    while (got < header.length) {
      if (stopped()) return Err(journalTimeout(file));
      const { bytesRead } = await handle.read(header, got, header.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return parseJournalHeader(header.subarray(0, got), stats.size, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    return Err(
      new JournalError({
        kind: 'unreadable',
        message: `${file} cannot be read (${code ?? String(error)})`,
        causes: ['an I/O error', 'the file system went away'],
        cause: error,
        file,
      }),
    );
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function journalTimeout(file: string): JournalError {
  return new JournalError({
    kind: 'timeout',
    message: `reading ${file} did not finish before the deadline`,
    causes: ['a slow or hung file system', 'the caller gave up (deadline or signal)'],
    file,
  });
}

/** Why the journal could not be opened, as a JournalError. */
function journalOpenError(file: string, problem: FileProblem): JournalError {
  switch (problem.kind) {
    case 'not-found':
      return new JournalError({
        kind: 'not-found',
        message: `${file} does not exist`,
        causes: ['the zone has had no update since its journal was last removed', 'wrong path'],
        file,
      });
    case 'not-regular':
      if (problem.type === 'directory') {
        return new JournalError({
          kind: 'unreadable',
          message: `${file} is a directory`,
          causes: ['wrong path'],
          file,
        });
      }
      return new JournalError({
        kind: 'not-regular',
        message: `${file} is a ${problem.type}, not a regular file: something replaced named's journal`,
        causes: [
          "another process running as named's user put it there (that user owns the zone directory)",
        ],
        remedy:
          "remove it and find out what created it. Until then named refuses every update of the zone ('journal open failed'); the changes the journal held live only in named's memory: `rndc sync ZONE` writes them to the zone file",
        file,
      });
    case 'timeout':
      return journalTimeout(file);
    default:
      return new JournalError({
        kind: 'unreadable',
        message: `${file} cannot be read (${problem.kind === 'unreadable' ? problem.code : problem.kind})`,
        causes: ['permissions (named may run as another user)', 'the path is a directory'],
        ...(problem.kind === 'unreadable' ? { cause: problem.cause } : {}),
        file,
      });
  }
}

/**
 * Decodes a journal header (the first 64 bytes of the file). `size` is the file's size, to
 * check the positions against. Never throws.
 */
export function parseJournalHeader(
  bytes: Uint8Array,
  size: number,
  file: string,
): Result<JournalInfo, JournalError> {
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const format = FORMATS.find((candidate) => {
    // journal_open() compares all 16 bytes: the text, then NUL padding.
    const expected = Buffer.alloc(FORMAT_BYTES);
    expected.write(candidate.text, 'latin1');
    return header.length >= FORMAT_BYTES && header.subarray(0, FORMAT_BYTES).equals(expected);
  });
  if (!format) {
    const magic = header.subarray(0, FORMAT_BYTES).toString('latin1');
    return Err(
      new JournalError({
        kind: 'not-journal',
        message: `${file} is not a BIND journal: it starts with ${JSON.stringify(magic)}, not ";BIND LOG V9.2"`,
        causes: ['the wrong file', 'an empty or overwritten file'],
        file,
      }),
    );
  }
  const corrupt = (message: string) =>
    Err(
      new JournalError({
        kind: 'corrupt',
        message: `${file}: ${message}`,
        causes: ['the journal was truncated (disk full, copied while written)', 'damage'],
        remedy:
          'check it with named-journalprint; named refuses to load the zone with a bad journal',
        file,
      }),
    );
  if (header.length < JOURNAL_HEADER_BYTES) {
    return corrupt(`header cut off: ${header.length} of ${JOURNAL_HEADER_BYTES} bytes`);
  }
  const startSerial = header.readUInt32BE(16);
  const startOffset = header.readUInt32BE(20);
  const endSerial = header.readUInt32BE(24);
  const endOffset = header.readUInt32BE(28);
  const indexSize = header.readUInt32BE(32);
  const sourceSerial = header.readUInt32BE(36);
  const flags = header[40]!;
  const dataStart = JOURNAL_HEADER_BYTES + indexSize * 8;
  if (dataStart > size) {
    return corrupt(`index of ${indexSize} entries does not fit in ${size} bytes`);
  }
  const empty = startOffset === endOffset;
  if (!empty) {
    if (startOffset < dataStart || startOffset > endOffset) {
      return corrupt(`first transaction at ${startOffset}, outside ${dataStart}..${endOffset}`);
    }
    if (endOffset > size) {
      return corrupt(`transactions end at ${endOffset}, past the end of the file (${size} bytes)`);
    }
  }
  return Ok({
    version: format.text.slice(1, -1),
    headerVersion: format.headerVersion,
    startSerial,
    endSerial,
    startOffset,
    endOffset,
    indexSize,
    ...((flags & FLAG_SERIALSET) !== 0 ? { sourceSerial } : {}),
    size,
    empty,
    path: file,
  });
}
