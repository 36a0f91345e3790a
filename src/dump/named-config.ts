/**
 * What named.conf says about named's files: a zone's `file`, `journal` and `masterfile-format`
 * (in a view or not), named's `directory`, the log files that carry dump and journal errors
 * (`logging { channel … { file …; }; category …; }`), and `pid-file`.
 *
 * Source: our own parser (src/keys: lexer, statement tree, include expansion), always — never
 * `named-checkconf -p`. That tool would give the same tree (includes expanded, comments gone) and
 * nothing more that is needed here: it prints relative paths as written and leaves defaults out,
 * so `directory`, `<file>.jnl` and the format defaults are resolved here either way. Running it
 * would cost more than it gives: a program executed (as root, often) on a file others may write,
 * which must be the host's own root-owned binary and of the same release as the running named
 * (9.16 rejects what 9.20 accepts and the reverse), and which fails the whole file for problems
 * that have nothing to do with the zone asked for (a missing key file, a plugin). Our parser is
 * bounded (file sizes, number of files, include depth and loops, nesting, binary data refused)
 * and never runs anything. test/integration/named-config.test.ts compares its answers with
 * `named-checkconf -p` on real configurations.
 *
 * Paths are named's paths, as named sees them: relative ones resolve against `directory` (named
 * changes to it as soon as it parses the option, and so do relative includes after it); under a
 * chroot (`named -t`) they are inside it.
 */
import { dirname, isAbsolute, posix } from 'node:path';
import { settleBy } from '../deadline.js';
import { ConfigError, RndcLibraryError, type SourceLocation } from '../errors.js';
import { type LoadedConfig, loadConfigFile } from '../keys/load.js';
import { asciiLower } from '../keys/problems.js';
import { keyword, type Statement } from '../keys/tree.js';
import { Err, Ok, type Result } from '../result.js';

// ---------------------------------------------------------------------------------------------
// Public types

/** Why named.conf could not answer. */
export type NamedConfigErrorKind =
  /** The named.conf path is relative (to which working directory?). */
  | 'not-absolute'
  /** named.conf or a file it includes cannot be read (missing, permission, not a regular file, too large). */
  | 'unreadable'
  /** Not a configuration: a syntax error, binary data, blocks too deep, too many files. */
  | 'syntax'
  /** An include leads back to a file already being read, or includes nest too deep. */
  | 'include-loop'
  /** No zone statement for that zone (class, view) — for example a zone added with `rndc addzone`. */
  | 'zone-not-found'
  /** The zone is in several views and no view was named. */
  | 'zone-ambiguous'
  /** A path that is needed is relative to a working directory that is not known. */
  | 'relative-path'
  /** Reading took longer than `timeoutMs` (a hung file system under an included file). */
  | 'timeout'
  /** The caller's signal aborted the read. */
  | 'aborted';

/** named.conf could not answer the question asked. */
export class NamedConfigError extends RndcLibraryError<NamedConfigErrorKind> {
  /** The named.conf read. */
  readonly configFile: string;
  /** The file and line of the problem, when it is in a file. */
  readonly location: SourceLocation | undefined;

  constructor(details: {
    kind: NamedConfigErrorKind;
    message: string;
    configFile: string;
    location?: SourceLocation | undefined;
    causes?: readonly string[];
    remedy?: string;
    cause?: unknown;
  }) {
    super(details);
    this.configFile = details.configFile;
    this.location = details.location;
  }
}

/** Where to start and how long reading may take. */
export interface NamedConfigOptions {
  /**
   * named's working directory when it started (`/proc/<pid>/cwd` before any `directory` takes
   * effect): relative includes before `options { directory }`, a relative `directory`, and
   * relative paths when named.conf sets no `directory` resolve against it. Default: unknown —
   * includes then resolve against the directory of named.conf, and a path that needs it is a
   * `relative-path` error.
   */
  readonly workingDirectory?: string | undefined;
  /** Reading settles (with a `timeout` error) by this many milliseconds. Default 10 000. */
  readonly timeoutMs?: number | undefined;
  /** Aborting settles the read at once with an `aborted` error. */
  readonly signal?: AbortSignal | undefined;
}

/** A zone in named.conf: which one to look up. */
export interface ZoneLookup {
  /** The zone's name (`example.com`, with or without the final dot; case does not matter). */
  readonly zone: string;
  /** Its class, when not IN (`CH`, `HS`; `chaos`, `hesiod` too). */
  readonly class?: string;
  /** Its view, when named.conf has views; required when the zone is in more than one. */
  readonly view?: string;
}

/** The formats named writes zone files in (`masterfile-format`; `map` only up to 9.16). */
export type MasterfileFormat = 'text' | 'raw' | 'map';

/** A zone's files, as named.conf configures them, with BIND's defaults applied. */
export interface ZoneConfig {
  /** The zone's name as written in named.conf. */
  readonly zone: string;
  /** Its class, upper-case (`IN`). */
  readonly class: string;
  /** The view it is in, or `undefined` when named.conf has no views. */
  readonly view: string | undefined;
  /** The view whose zone statement configures it, when it is an `in-view` reference. */
  readonly inView: string | undefined;
  /** `type` as written (`primary`, `master`, `secondary`, `slave`, `mirror`…), lower-case. */
  readonly type: string | undefined;
  /** named's `directory`, absolute; `undefined` when named.conf sets none and no working directory was given. */
  readonly directory: string | undefined;
  /** The zone file, absolute; `undefined` when the zone has none (a secondary kept in memory). */
  readonly file: string | undefined;
  /** The zone's journal, absolute: its `journal` statement, else `<file>.jnl` (BIND's default). */
  readonly journal: string | undefined;
  /** True when the zone statement sets `journal` itself. */
  readonly journalConfigured: boolean;
  /**
   * The format named writes the file in: the zone's, the view's or the options' `masterfile-format`,
   * else `raw` for secondary and mirror zones and `text` for the rest (zoneconf.c, 9.16–9.20).
   * An inline-signing zone's `.signed` file is always raw.
   */
  readonly masterfileFormat: MasterfileFormat;
  /** `inline-signing yes` in the zone statement. */
  readonly inlineSigning: boolean;
  /** Where the zone statement is. */
  readonly location: SourceLocation;
}

/** One log channel that writes to a file. */
export interface LogFileChannel {
  /** The channel's name (`default_log`, or the built-in `default_debug`). */
  readonly channel: string;
  /** The file, absolute (relative names resolve against `directory`, where named opens them). */
  readonly path: string;
  /** The severity threshold (`info` unless set; `dynamic` follows named's `-d` level). */
  readonly severity: string;
  /**
   * True when the channel writes only while named runs with a debug level (`named -d N`,
   * `rndc trace`): the built-in `default_debug` channel, file `named.run`.
   */
  readonly debugOnly: boolean;
  /** True when its severity lets `error` messages through (dump and journal failures are errors). */
  readonly carriesErrors: boolean;
  /**
   * The categories among {@link DUMP_LOG_CATEGORIES} whose messages reach it (directly, or
   * through `category default` when a category has no statement of its own).
   */
  readonly categories: readonly string[];
  /** Where the channel is defined; `undefined` for a built-in channel. */
  readonly location: SourceLocation | undefined;
}

/** Where named logs dump and journal messages, from named.conf's `logging` statement. */
export interface NamedLogging {
  /** The file channels that receive messages of {@link DUMP_LOG_CATEGORIES}. */
  readonly files: readonly LogFileChannel[];
  /**
   * The file to read for dump errors: a channel of category `general` that lets errors through
   * and writes without a debug level; `undefined` when there is none (syslog, stderr only).
   */
  readonly dumpLog: LogFileChannel | undefined;
  /** What else a reader should know: syslog or stderr destinations, `named -L`, `-g`. */
  readonly notes: readonly string[];
}

/** One zone of {@link NamedConfig.zoneConfigs}. */
export interface ConfiguredZone {
  /** Which zone (its view and class included). */
  readonly lookup: ZoneLookup;
  /** Its files, or why named.conf does not say ({@link NamedConfig.zone}'s answer). */
  readonly config: Result<ZoneConfig, NamedConfigError>;
}

/** A view that allows `rndc addzone`, and where named keeps the zones added to it. */
export interface AddedZoneStore {
  /** The view's name (`_default` when named.conf has no views). */
  readonly view: string;
  /** `<view>.nzd` and `<view>.nzf`, absolute; empty when named's `directory` is not known. */
  readonly files: readonly string[];
}

/** named.conf's `pid-file`. */
export type PidFileConfig = PidFileSet | PidFileNone | PidFileDefault;

/** `pid-file "path";` */
export interface PidFileSet {
  /** Set to a path. */
  readonly kind: 'configured';
  /** The pid file, absolute (a relative one resolved against `directory`). */
  readonly path: string;
  /** Where it is set. */
  readonly location: SourceLocation;
}

/** `pid-file none;`: named writes no pid file. */
export interface PidFileNone {
  /** No pid file. */
  readonly kind: 'none';
  /** Where it is set. */
  readonly location: SourceLocation;
}

/** Not set: named's compiled-in default (`/run/named/named.pid` on Debian and Fedora). */
export interface PidFileDefault {
  /** The compiled-in default. */
  readonly kind: 'default';
}

/**
 * Categories whose messages say what happened to a zone's files: `general` (dump failures —
 * masterdump.c and zone.c log there — and journal file errors, journal.c), `update` (`journal
 * open failed`, ns/update.c) and `zoneload` (loads). BIND 9.16–9.20.
 */
export const DUMP_LOG_CATEGORIES: readonly string[] = ['general', 'update', 'zoneload'];

// ---------------------------------------------------------------------------------------------
// Reading

/** Default of {@link NamedConfigOptions.timeoutMs}. */
export const DEFAULT_NAMED_CONFIG_TIMEOUT_MS = 10_000;

/** A zone statement of named.conf, where it is. */
interface ZoneStatement {
  readonly lookup: ZoneLookup;
  readonly statement: Statement;
  /** The view it is in (undefined without views). */
  readonly view: Statement | undefined;
  /** Every view of named.conf. */
  readonly views: readonly Statement[];
}

/**
 * named.conf, read once (includes expanded): ask it for zones, logging and the pid file.
 * Obtain it with {@link readNamedConfig}.
 */
export class NamedConfig {
  /** The named.conf read (absolute). */
  readonly configFile: string;
  /** Every file read, named.conf first. */
  readonly files: readonly string[];
  /** named's `directory`, absolute; `undefined` when not set and no working directory was given. */
  readonly directory: string | undefined;
  /** Why {@link NamedConfig.directory} is not known, when it is not. */
  readonly directoryProblem: string | undefined;
  readonly #statements: readonly Statement[];
  /** The top-level `options` statements. */
  readonly #optionBlocks: readonly Statement[];

  /** @internal Use {@link readNamedConfig}. */
  constructor(configFile: string, loaded: LoadedConfig, workingDirectory: string | undefined) {
    this.configFile = configFile;
    this.files = loaded.files;
    this.#statements = loaded.statements;
    // Kept apart: a lookup in `options` must not walk every zone statement of a large named.conf.
    this.#optionBlocks = loaded.statements.filter((s) => keyword(s) === 'options');
    const found = findDirectory(loaded.statements, workingDirectory);
    this.directory = found.directory;
    this.directoryProblem = found.problem;
  }

  #index: ZoneIndex | undefined;
  #format: { value: string | undefined } | undefined;

  /** `options { masterfile-format }`, looked up once (the top level holds every zone). */
  #globalFormat(): string | undefined {
    this.#format ??= { value: wordAt(optionOf(this.#statements, 'masterfile-format'), 1) };
    return this.#format.value;
  }

  /**
   * Every zone statement by name, in named.conf's order: built once, so that looking up each of
   * n zones (the watcher at start) costs n steps, not n² (1,000 zones: a million statement
   * visits otherwise).
   */
  #zoneIndex(): ZoneIndex {
    if (this.#index) return this.#index;
    const views = this.#statements.filter((s) => keyword(s) === 'view' && s.block);
    const scopes: { view: Statement | undefined; statements: readonly Statement[] }[] =
      views.length > 0
        ? views.map((view) => ({ view, statements: view.block ?? [] }))
        : [{ view: undefined, statements: this.#statements }];
    const byName = new Map<string, IndexedZone[]>();
    for (const scope of scopes) {
      const viewName = scope.view ? wordAt(scope.view, 1) : undefined;
      const viewClass = normaliseClass(scope.view ? (wordAt(scope.view, 2) ?? 'IN') : 'IN');
      for (const statement of scope.statements) {
        if (keyword(statement) !== 'zone' || !statement.block) continue;
        const zoneName = wordAt(statement, 1);
        if (zoneName === undefined) continue;
        const zoneClass = normaliseClass(wordAt(statement, 2) ?? viewClass);
        const key = zoneKey(zoneName);
        const list = byName.get(key);
        const entry = { zone: statement, view: scope.view, viewName, zoneClass };
        if (list) list.push(entry);
        else byName.set(key, [entry]);
      }
    }
    this.#index = { views, byName };
    return this.#index;
  }

  /** The zone's files (see {@link ZoneConfig}), or why named.conf does not say. */
  zone(lookup: ZoneLookup): Result<ZoneConfig, NamedConfigError> {
    const name = zoneKey(lookup.zone);
    const wantedClass = lookup.class === undefined ? 'IN' : normaliseClass(lookup.class);
    const { views, byName } = this.#zoneIndex();
    const candidates = (byName.get(name) ?? []).filter(
      (c) =>
        (lookup.view === undefined || c.viewName === lookup.view) && c.zoneClass === wantedClass,
    );
    const described = `zone ${JSON.stringify(lookup.zone)}${wantedClass !== 'IN' ? ` class ${wantedClass}` : ''}${lookup.view !== undefined ? ` in view ${JSON.stringify(lookup.view)}` : ''}`;
    const first = candidates[0];
    if (first === undefined) {
      const viewNames = views.map((view) => wordAt(view, 1) ?? '?');
      return Err(
        this.#error('zone-not-found', `${this.configFile} has no ${described}`, {
          causes: [
            'the zone was added with `rndc addzone` (kept in the view’s .nzf/.nzd file, not in named.conf)',
            ...(lookup.view !== undefined && !viewNames.includes(lookup.view)
              ? [
                  `named.conf has no view ${JSON.stringify(lookup.view)} (views: ${viewNames.join(', ') || 'none'})`,
                ]
              : []),
            'this is not the named.conf the running named read (rndc status names it)',
          ],
          remedy: 'name the zone file and journal explicitly, or point to the right named.conf',
        }),
      );
    }
    if (candidates.length > 1 && lookup.view === undefined) {
      const where = candidates.map((c) => (c.view ? wordAt(c.view, 1) : '(no view)'));
      return Err(
        this.#error(
          'zone-ambiguous',
          `${described} is configured in ${candidates.length} views (${where.join(', ')}): name the view`,
          { remedy: 'pass the view (rndc-js: ZONE CLASS VIEW)' },
        ),
      );
    }
    return this.#zoneConfig(first.zone, first.view, views);
  }

  /**
   * Every zone named.conf configures (each view's, `in-view` references left out: they are the
   * other view's zone), as lookups for {@link NamedConfig.zone}. Zones added with `rndc addzone`
   * are not in named.conf and not listed. At most `limit` (default 100 000) are returned.
   */
  zones(limit = 100_000): ZoneLookup[] {
    return this.#zoneStatements(limit).map((z) => z.lookup);
  }

  /**
   * The zone statements {@link NamedConfig.zones} lists, with the view each is in and every view
   * (one pass over named.conf).
   */
  #zoneStatements(limit: number): ZoneStatement[] {
    const found: ZoneStatement[] = [];
    const views = this.#statements.filter((s) => keyword(s) === 'view' && s.block);
    const scopes =
      views.length > 0
        ? views.map((view) => ({ view, statements: view.block ?? [] }))
        : [{ view: undefined, statements: this.#statements }];
    for (const scope of scopes) {
      const viewName = scope.view ? wordAt(scope.view, 1) : undefined;
      const viewClass = normaliseClass(scope.view ? (wordAt(scope.view, 2) ?? 'IN') : 'IN');
      for (const statement of scope.statements) {
        if (found.length >= limit) return found;
        if (keyword(statement) !== 'zone' || !statement.block) continue;
        if (optionIn(statement.block, 'in-view') !== undefined) continue;
        const zone = wordAt(statement, 1);
        if (zone === undefined) continue;
        const lookup: ZoneLookup = {
          zone,
          class: normaliseClass(wordAt(statement, 2) ?? viewClass),
          ...(viewName !== undefined ? { view: viewName } : {}),
        };
        found.push({ lookup, statement, view: scope.view, views });
      }
    }
    return found;
  }

  /**
   * The views that allow `rndc addzone` (`allow-new-zones yes` in the view or in `options`), with
   * the files named keeps their added zones in: `<view>.nzd` (BIND built with LMDB, as Debian's
   * and ISC's packages are) or `<view>.nzf` (text), in `new-zones-directory` or `directory`. The
   * view without views is `_default`. Zones added so are not in named.conf, so
   * {@link NamedConfig.zones} cannot list them. (A view name with characters unsafe in a file name
   * gets a hashed file name from named: the paths here are then not the ones named uses.)
   */
  addedZoneStores(): AddedZoneStore[] {
    const views = this.#statements.filter((s) => keyword(s) === 'view' && s.block);
    const scopes =
      views.length > 0
        ? views.map((view) => ({ name: wordAt(view, 1) ?? '', block: view.block ?? [] }))
        : [{ name: '_default', block: [] as readonly Statement[] }];
    const stores: AddedZoneStore[] = [];
    for (const scope of scopes) {
      const allow =
        wordAt(optionIn(scope.block, 'allow-new-zones'), 1) ??
        wordAt(optionOf(this.#optionBlocks, 'allow-new-zones'), 1);
      if (allow === undefined || !YES.has(asciiLower(allow))) continue;
      const configured =
        wordAt(optionIn(scope.block, 'new-zones-directory'), 1) ??
        wordAt(optionOf(this.#optionBlocks, 'new-zones-directory'), 1);
      const base =
        configured === undefined
          ? this.directory
          : isAbsolute(configured)
            ? posix.normalize(configured)
            : this.directory === undefined
              ? undefined
              : posix.resolve(this.directory, configured);
      const files =
        base === undefined
          ? []
          : ['nzd', 'nzf'].map((ext) => posix.join(base, `${scope.name}.${ext}`));
      stores.push({ view: scope.name, files });
    }
    return stores;
  }

  /**
   * {@link NamedConfig.zones} with each zone's files ({@link NamedConfig.zone}'s answer), in one
   * pass over named.conf: for many zones, asking `zone()` for each would read the whole
   * configuration once per zone.
   */
  zoneConfigs(limit = 100_000): ConfiguredZone[] {
    return this.#zoneStatements(limit).map((z) => ({
      lookup: z.lookup,
      config: this.#zoneConfig(z.statement, z.view, z.views),
    }));
  }

  /** Where named logs dump and journal messages (see {@link NamedLogging}). */
  logging(): Result<NamedLogging, NamedConfigError> {
    const logging = this.#statements.filter((s) => keyword(s) === 'logging' && s.block);
    const channels = new Map<string, ChannelInfo>();
    const categories = new Map<string, string[]>();
    for (const statement of logging.flatMap((s) => s.block ?? [])) {
      const word = keyword(statement);
      const name = wordAt(statement, 1);
      if (name === undefined || !statement.block) continue;
      if (word === 'channel') channels.set(name, channelInfo(statement));
      if (word === 'category') {
        const list = categories.get(asciiLower(name)) ?? [];
        for (const member of statement.block) {
          const channel = wordAt(member, 0);
          if (channel !== undefined) list.push(channel);
        }
        categories.set(asciiLower(name), list);
      }
    }
    const notes: string[] = [];
    if (logging.length === 0) {
      notes.push(
        `${this.configFile} has no logging statement: named logs to syslog (daemon facility), to the file of \`named -L FILE\`, or to stderr with \`named -g\` / \`-f\` under a supervisor`,
      );
    }
    // category default: named's own default when named.conf sets none (log.c, 9.16–9.20).
    const defaults = categories.get('default') ?? ['default_syslog', 'default_debug'];
    const files = new Map<string, { info: ChannelInfo; categories: string[] }>();
    for (const category of DUMP_LOG_CATEGORIES) {
      const used = categories.get(category) ?? defaults;
      for (const channelName of used) {
        const info = channels.get(channelName) ?? builtinChannel(channelName);
        if (info === undefined) {
          notes.push(
            `category ${category} names channel ${JSON.stringify(channelName)}, which is not defined`,
          );
          continue;
        }
        if (info.destination === 'file' && info.file !== undefined) {
          const entry = files.get(channelName) ?? { info, categories: [] };
          entry.categories.push(category);
          files.set(channelName, entry);
        } else if (info.destination === 'logfile-option') {
          notes.push(
            `category ${category} uses default_logfile: the file given to \`named -L\` (not in named.conf)`,
          );
        } else if (info.destination === 'syslog' || info.destination === 'stderr') {
          notes.push(
            `category ${category} also goes to ${info.destination} (channel ${channelName})`,
          );
        }
      }
    }
    const out: LogFileChannel[] = [];
    for (const [channel, { info, categories: cats }] of files) {
      const configured = info.file as string;
      let path: string;
      if (isAbsolute(configured)) path = posix.normalize(configured);
      else if (this.directory !== undefined) path = posix.resolve(this.directory, configured);
      else {
        notes.push(
          `channel ${channel} writes ${JSON.stringify(configured)}, relative to named's working directory, which is not known${this.directoryProblem ? ` (${this.directoryProblem})` : ''}`,
        );
        continue;
      }
      const severity = info.severity ?? 'info';
      out.push({
        channel,
        path,
        severity,
        debugOnly: info.debugOnly,
        carriesErrors: severity !== 'critical',
        categories: cats,
        location: info.location,
      });
    }
    const dumpLog = out.find(
      (file) => file.categories.includes('general') && file.carriesErrors && !file.debugOnly,
    );
    return Ok({ files: out, dumpLog, notes: [...new Set(notes)] });
  }

  /** `options { pid-file }` (see {@link PidFileConfig}). */
  pidFile(): Result<PidFileConfig, NamedConfigError> {
    const option = optionOf(this.#optionBlocks, 'pid-file');
    if (option === undefined) return Ok({ kind: 'default' });
    const location = { file: option.file, line: option.line };
    const value = wordAt(option, 1);
    if (value === undefined) {
      return Err(
        this.#error('syntax', `${where(location)}: pid-file without a value`, {}, location),
      );
    }
    const unquoted = option.words[1]?.quoted === false;
    if (unquoted && asciiLower(value) === 'none') return Ok({ kind: 'none', location });
    const path = this.#resolve(value, location, 'pid-file');
    return path.map((resolved) => ({ kind: 'configured' as const, path: resolved, location }));
  }

  #zoneConfig(
    zone: Statement,
    view: Statement | undefined,
    views: readonly Statement[],
  ): Result<ZoneConfig, NamedConfigError> {
    const location = { file: zone.file, line: zone.line };
    let source = zone;
    let sourceView = view;
    let inView: string | undefined;
    const reference = optionIn(zone.block ?? [], 'in-view');
    if (reference !== undefined) {
      // `in-view "other";`: the zone is the other view's, configured there (BIND 9.10+).
      inView = wordAt(reference, 1);
      const target = views.find((v) => wordAt(v, 1) === inView);
      const name = zoneKey(wordAt(zone, 1) ?? '');
      const configured = target?.block?.find(
        (s) => keyword(s) === 'zone' && s.block && zoneKey(wordAt(s, 1) ?? '') === name,
      );
      if (
        target === undefined ||
        configured === undefined ||
        optionIn(configured.block ?? [], 'in-view')
      ) {
        return Err(
          this.#error(
            'zone-not-found',
            `${where(location)}: zone ${JSON.stringify(wordAt(zone, 1))} is in-view ${JSON.stringify(inView)}, which has no zone statement for it`,
            {},
            location,
          ),
        );
      }
      source = configured;
      sourceView = target;
    }
    const block = source.block ?? [];
    const type = wordAt(optionIn(block, 'type'), 1);
    const lowerType = type === undefined ? undefined : asciiLower(type);
    const fileOption = optionIn(block, 'file');
    const journalOption = optionIn(block, 'journal');
    let file: string | undefined;
    if (fileOption !== undefined) {
      const value = wordAt(fileOption, 1);
      const resolved = this.#resolve(
        value,
        { file: fileOption.file, line: fileOption.line },
        'file',
      );
      if (resolved.isErr()) return resolved;
      file = resolved.value;
    }
    let journal: string | undefined;
    if (journalOption !== undefined) {
      const value = wordAt(journalOption, 1);
      const resolved = this.#resolve(
        value,
        { file: journalOption.file, line: journalOption.line },
        'journal',
      );
      if (resolved.isErr()) return resolved;
      journal = resolved.value;
    } else if (file !== undefined) {
      journal = `${file}.jnl`;
    }
    const format =
      wordAt(optionIn(block, 'masterfile-format'), 1) ??
      wordAt(optionIn(sourceView?.block ?? [], 'masterfile-format'), 1) ??
      this.#globalFormat();
    const lowerFormat = format === undefined ? undefined : asciiLower(format);
    const masterfileFormat: MasterfileFormat =
      lowerFormat === 'raw' || lowerFormat === 'map' || lowerFormat === 'text'
        ? lowerFormat
        : lowerType === 'secondary' || lowerType === 'slave' || lowerType === 'mirror'
          ? 'raw'
          : 'text';
    const inline = wordAt(optionIn(block, 'inline-signing'), 1);
    const viewClass = view ? wordAt(view, 2) : undefined;
    return Ok({
      zone: wordAt(zone, 1) ?? '',
      class: normaliseClass(wordAt(zone, 2) ?? viewClass ?? 'IN'),
      view: view ? wordAt(view, 1) : undefined,
      inView,
      type: lowerType,
      directory: this.directory,
      file,
      journal,
      journalConfigured: journalOption !== undefined,
      masterfileFormat,
      inlineSigning: inline !== undefined && YES.has(asciiLower(inline)),
      location,
    });
  }

  /** A path of named.conf made absolute against `directory`. */
  #resolve(
    value: string | undefined,
    location: SourceLocation,
    what: string,
  ): Result<string, NamedConfigError> {
    if (value === undefined || value === '') {
      return Err(
        this.#error('syntax', `${where(location)}: ${what} without a value`, {}, location),
      );
    }
    if (isAbsolute(value)) return Ok(posix.normalize(value));
    if (this.directory !== undefined) return Ok(posix.resolve(this.directory, value));
    return Err(
      this.#error(
        'relative-path',
        `${where(location)}: ${what} ${JSON.stringify(value)} is relative to named's working directory, which is not known (${this.directoryProblem ?? 'no directory'})`,
        {
          remedy:
            "set options { directory } in named.conf, or pass named's working directory (/proc/<pid>/cwd)",
        },
        location,
      ),
    );
  }

  #error(
    kind: NamedConfigErrorKind,
    message: string,
    extras: { causes?: readonly string[]; remedy?: string },
    location?: SourceLocation,
  ): NamedConfigError {
    return new NamedConfigError({
      kind,
      message,
      configFile: this.configFile,
      location,
      ...extras,
    });
  }
}

/**
 * Reads named.conf (includes expanded, bounded: see src/keys/load.ts) within `timeoutMs`.
 * Errors say which file and line, never a key's secret.
 */
export async function readNamedConfig(
  configFile: string,
  options: NamedConfigOptions = {},
): Promise<Result<NamedConfig, NamedConfigError>> {
  if (!isAbsolute(configFile)) {
    return Err(
      new NamedConfigError({
        kind: 'not-absolute',
        message: `named's configuration file is given relative to named's working directory (${configFile})`,
        configFile,
        remedy: 'pass the absolute path (`rndc status` prints it as "configuration file")',
      }),
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_NAMED_CONFIG_TIMEOUT_MS;
  const deadline = Date.now() + (Number.isFinite(timeoutMs) && timeoutMs >= 0 ? timeoutMs : 0);
  const work = loadConfigFile(configFile, {
    // Before `directory`: named's starting directory; unknown, the file's own is the best guess.
    baseDir: options.workingDirectory ?? dirname(configFile),
    followDirectory: true,
  }).then(
    (loaded) => loaded,
    (error: unknown) => Err(new ConfigError({ kind: 'file-unreadable', message: String(error) })),
  );
  const loaded = await settleBy<Result<LoadedConfig, ConfigError | NamedConfigError>>(
    work,
    deadline,
    (why) =>
      Err(
        new NamedConfigError({
          kind: why === 'aborted' ? 'aborted' : 'timeout',
          message:
            why === 'aborted'
              ? `reading ${configFile} was aborted`
              : `reading ${configFile} took longer than ${timeoutMs} ms`,
          configFile,
          causes: ['a hung file system (NFS, FUSE) under named.conf or a file it includes'],
          remedy: 'check the file systems named.conf and its includes are on',
        }),
      ),
    options.signal,
  );
  if (loaded.isErr()) {
    const error = loaded.error;
    if (error instanceof NamedConfigError) return Err(error);
    return Err(
      new NamedConfigError({
        kind:
          error.kind === 'include-loop'
            ? 'include-loop'
            : error.kind === 'file-unreadable'
              ? 'unreadable'
              : 'syntax',
        message: error.message,
        configFile,
        location: error.location,
        causes: error.causes,
        remedy: error.remedy || 'fix named.conf (`named-checkconf` names the problem)',
        cause: error,
      }),
    );
  }
  return Ok(new NamedConfig(configFile, loaded.value, options.workingDirectory));
}

/**
 * A zone's files from named.conf: `file`, `journal` (default `<file>.jnl`), `masterfile-format`,
 * `directory`, its view and class. See {@link ZoneConfig}.
 */
export async function readZoneConfig(
  options: ZoneLookup & NamedConfigOptions & { readonly namedConf: string },
): Promise<Result<ZoneConfig, NamedConfigError>> {
  const config = await readNamedConfig(options.namedConf, options);
  return config.andThen((read) => read.zone(options));
}

/** The log files named.conf routes dump and journal messages to. See {@link NamedLogging}. */
export async function namedLogFiles(
  namedConf: string,
  options: NamedConfigOptions = {},
): Promise<Result<NamedLogging, NamedConfigError>> {
  const config = await readNamedConfig(namedConf, options);
  return config.andThen((read) => read.logging());
}

/** named.conf's `pid-file`. See {@link PidFileConfig}. */
export async function namedPidFile(
  namedConf: string,
  options: NamedConfigOptions = {},
): Promise<Result<PidFileConfig, NamedConfigError>> {
  const config = await readNamedConfig(namedConf, options);
  return config.andThen((read) => read.pidFile());
}

/** The absolute `directory` of named.conf, or why it could not be found. */
export async function namedDirectory(configFile: string): Promise<Result<string, string>> {
  const config = await readNamedConfig(configFile);
  if (config.isErr()) {
    return Err(
      config.error.kind === 'not-absolute'
        ? config.error.message
        : `cannot read ${configFile}: ${config.error.message}`,
    );
  }
  const { directory } = config.value;
  if (directory !== undefined) return Ok(directory);
  return Err(
    `${configFile}: ${config.value.directoryProblem ?? 'no directory'}: named uses its working directory`,
  );
}

// ---------------------------------------------------------------------------------------------
// Helpers

const YES = new Set(['yes', 'true', '1']);

/** Class names BIND accepts, and their canonical form. */
const CLASSES: Record<string, string> = {
  in: 'IN',
  ch: 'CH',
  chaos: 'CH',
  hs: 'HS',
  hesiod: 'HS',
};

function normaliseClass(text: string): string {
  const lower = asciiLower(text);
  return CLASSES[lower] ?? text.toUpperCase();
}

/** A zone statement as {@link NamedConfig}'s index keeps it. */
interface IndexedZone {
  readonly zone: Statement;
  readonly view: Statement | undefined;
  readonly viewName: string | undefined;
  readonly zoneClass: string;
}

interface ZoneIndex {
  readonly views: readonly Statement[];
  readonly byName: ReadonlyMap<string, readonly IndexedZone[]>;
}

/** A zone name for comparison: ASCII lower-case, without the final dot (except the root). */
function zoneKey(name: string): string {
  const lower = asciiLower(name);
  return lower.length > 1 && lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

function where(location: SourceLocation): string {
  return `${location.file}:${location.line}`;
}

/** The text of the statement's word at `index` (0 = the keyword). */
function wordAt(statement: Statement | undefined, index: number): string | undefined {
  return statement?.words[index]?.text;
}

/** The first statement of `block` with that keyword. */
function optionIn(block: readonly Statement[], name: string): Statement | undefined {
  return block.find((statement) => keyword(statement) === name);
}

/** The first top-level `options { name … }`. */
function optionOf(statements: readonly Statement[], name: string): Statement | undefined {
  for (const statement of statements) {
    if (keyword(statement) !== 'options' || !statement.block) continue;
    const found = optionIn(statement.block, name);
    if (found !== undefined) return found;
  }
  return undefined;
}

function findDirectory(
  statements: readonly Statement[],
  workingDirectory: string | undefined,
): { directory: string | undefined; problem: string | undefined } {
  const option = optionOf(statements, 'directory');
  const value = wordAt(option, 1);
  if (option === undefined || value === undefined) {
    return workingDirectory !== undefined && isAbsolute(workingDirectory)
      ? { directory: posix.normalize(workingDirectory), problem: undefined }
      : { directory: undefined, problem: 'named.conf sets no options { directory }' };
  }
  if (isAbsolute(value)) return { directory: posix.normalize(value), problem: undefined };
  if (workingDirectory !== undefined && isAbsolute(workingDirectory)) {
    return { directory: posix.resolve(workingDirectory, value), problem: undefined };
  }
  return {
    directory: undefined,
    problem: `${option.file}:${option.line}: directory ${JSON.stringify(value)} is itself relative`,
  };
}

interface ChannelInfo {
  readonly destination: 'file' | 'syslog' | 'stderr' | 'null' | 'logfile-option' | 'unknown';
  readonly file: string | undefined;
  readonly severity: string | undefined;
  readonly debugOnly: boolean;
  readonly location: SourceLocation | undefined;
}

function channelInfo(statement: Statement): ChannelInfo {
  const block = statement.block ?? [];
  const file = optionIn(block, 'file');
  const severity = optionIn(block, 'severity');
  const destination: ChannelInfo['destination'] = file
    ? 'file'
    : optionIn(block, 'syslog')
      ? 'syslog'
      : optionIn(block, 'stderr')
        ? 'stderr'
        : optionIn(block, 'null')
          ? 'null'
          : 'unknown';
  return {
    destination,
    file: wordAt(file, 1),
    severity: severity
      ? severity.words
          .slice(1)
          .map((word) => asciiLower(word.text))
          .join(' ')
      : undefined,
    debugOnly: false,
    location: { file: statement.file, line: statement.line },
  };
}

/** named's built-in channels (log.c, 9.16–9.20). */
function builtinChannel(name: string): ChannelInfo | undefined {
  const base = { severity: undefined, location: undefined, debugOnly: false, file: undefined };
  switch (name) {
    case 'default_syslog':
      return { ...base, destination: 'syslog', severity: 'info' };
    case 'default_stderr':
      return { ...base, destination: 'stderr', severity: 'info' };
    case 'null':
      return { ...base, destination: 'null' };
    case 'default_logfile':
      return { ...base, destination: 'logfile-option', severity: 'dynamic' };
    case 'default_debug':
      // File named.run in the working directory, written only at a debug level (and to stderr
      // instead under `named -g`).
      return {
        ...base,
        destination: 'file',
        file: 'named.run',
        severity: 'dynamic',
        debugOnly: true,
      };
    default:
      return undefined;
  }
}
