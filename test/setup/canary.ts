/**
 * vitest setup file, run in every test worker before each test file:
 *
 * - every key `startNamed()` generates starts with the canary (`RNDC_TESTING_KEY_SECRET`; spawned
 *   examples and CLIs inherit it, so their named instances use the canary too);
 * - the `rndc:*` debug namespaces are enabled, and every debug line is scanned for the canary in
 *   all its encodings (test/helpers/canary.ts). A line containing it fails the running test
 *   (afterEach) or, if it came from a hook, the file (afterAll).
 *
 * Debug lines are only scanned, not printed, unless `DEBUG` was set when the run started.
 * Tests may still replace `createDebug.log` (and restore it): the replacement is wrapped, so its
 * lines are scanned as well; a test calling `createDebug.disable()` gets `rndc:*` re-enabled.
 */
import { format } from 'node:util';
import createDebug from 'debug';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { CANARY_SECRET, leakedForms } from '../helpers/canary.js';

process.env.RNDC_TESTING_KEY_SECRET = CANARY_SECRET;

type LogFn = (...args: unknown[]) => unknown;

interface CanaryState {
  violations: string[];
  reported: number;
  lines: number;
}

const GLOBAL_KEY = Symbol.for('rndc.test.canary');
const holder = globalThis as { [GLOBAL_KEY]?: CanaryState };
// One state per worker, even if this file is evaluated again for the next test file.
const state: CanaryState = holder[GLOBAL_KEY] ?? { violations: [], reported: 0, lines: 0 };
holder[GLOBAL_KEY] = state;
state.violations = [];
state.reported = 0;

// The DEBUG the run was started with: enabled namespaces are printed as usual.
const userDebug = process.env.RNDC_CANARY_USER_DEBUG ?? process.env.DEBUG ?? '';
process.env.RNDC_CANARY_USER_DEBUG = userDebug;

interface DebugWithHook {
  [GLOBAL_KEY]?: true;
}

if (!(createDebug as DebugWithHook)[GLOBAL_KEY]) {
  (createDebug as DebugWithHook)[GLOBAL_KEY] = true;
  const print: LogFn = createDebug.log as LogFn;
  let target: LogFn | undefined;
  const scanned: LogFn = function (this: unknown, ...args: unknown[]) {
    state.lines++;
    const line = format(...args);
    const forms = leakedForms(line);
    if (forms.length > 0) {
      const namespace = (this as { namespace?: string } | undefined)?.namespace ?? '?';
      state.violations.push(
        `a debug line of ${namespace} contained the canary secret (${forms.join(', ')})`,
      );
    }
    if (target) return target.apply(this, args);
    const self = this as { namespace?: string } | undefined;
    if (userDebug && self?.namespace && matches(userDebug, self.namespace)) {
      return print.apply(this, args);
    }
    return undefined;
  };
  Object.defineProperty(createDebug, 'log', {
    configurable: true,
    enumerable: true,
    get: () => scanned,
    set: (fn: LogFn) => {
      target = fn === scanned || fn === print ? undefined : fn;
    },
  });
}

/** Whether `namespace` is enabled by a DEBUG-style list. */
function matches(list: string, namespace: string): boolean {
  let enabled = false;
  for (const item of list.split(/[\s,]+/).filter(Boolean)) {
    const negated = item.startsWith('-');
    const pattern = new RegExp(
      `^${(negated ? item.slice(1) : item).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`,
    );
    if (pattern.test(namespace)) enabled = !negated;
  }
  return enabled;
}

/** Enables `rndc:*` (plus what the user enabled) without handing DEBUG to child processes. */
function enableRndc(): void {
  if (createDebug.enabled('rndc:control') && createDebug.enabled('rndc:canary-check')) return;
  createDebug.enable([userDebug, 'rndc:*'].filter(Boolean).join(','));
  // enable() also writes process.env.DEBUG, which spawned examples and CLIs would inherit.
  if (userDebug) process.env.DEBUG = userDebug;
  else delete process.env.DEBUG;
}

enableRndc();

function takeViolations(): string[] {
  const fresh = state.violations.slice(state.reported);
  state.reported = state.violations.length;
  return fresh;
}

beforeEach(() => {
  enableRndc();
});

afterEach(() => {
  enableRndc();
  const fresh = takeViolations();
  if (fresh.length > 0) throw new Error(`canary secret leaked:\n${fresh.join('\n')}`);
});

afterAll(() => {
  const fresh = takeViolations();
  if (fresh.length > 0) throw new Error(`canary secret leaked:\n${fresh.join('\n')}`);
});
