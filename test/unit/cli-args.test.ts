// The getopt-style parser of rndc-js: clustered flags, attached and separate values, long
// options, `--`, and clear errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GLOBAL_OPTIONS,
  globalSettings,
  namedPidOption,
  parseArgs,
  parseSeconds,
  parseWholeNumber,
} from '../../src/cli/args.js';
import { jsonReply } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/run.js';
import { UNVERIFIED_CLEAN_FLAG, wantsClean, wantsVerify } from '../../src/cli/sync-flags.js';
import { renderLikeRndc, resultName } from '../../src/control/render.js';
import { fakeIo } from '../helpers/cli-io.js';

const globals = (argv: string[]) => parseArgs(argv, GLOBAL_OPTIONS, { stopAtOperand: true });

describe('parseArgs', () => {
  it('clusters flags and takes values attached or separate', () => {
    const parsed = globals(['-qr', '-p953', '-s', 'ns1', '-c/etc/rndc.conf', 'zonestatus', 'x']);
    expect(parsed.unwrap()).toEqual({
      options: {
        quiet: true,
        showResult: true,
        port: '953',
        server: 'ns1',
        configFile: '/etc/rndc.conf',
      },
      values: { port: ['953'], server: ['ns1'], configFile: ['/etc/rndc.conf'] },
      operands: ['zonestatus', 'x'],
      sawDoubleDash: false,
    });
    // A value-taking letter ends the cluster: -qp953.
    expect(globals(['-qp953', 'status']).unwrap().options).toEqual({ quiet: true, port: '953' });
    expect(globals(['-qp', '953', 'status']).unwrap().options).toEqual({
      quiet: true,
      port: '953',
    });
  });

  it('stops at the command word: later dashes belong to the command', () => {
    expect(globals(['-q', 'sync', '-clean', 'dyn.test']).unwrap().operands).toEqual([
      'sync',
      '-clean',
      'dyn.test',
    ]);
  });

  it('long options with = or a separate value, and --', () => {
    const specs = [{ long: 'wait', value: true }, { long: 'json' }];
    expect(parseArgs(['--wait=5', 'a', '--json', '--', '--wait', '-x'], specs).unwrap()).toEqual({
      options: { wait: '5', json: true },
      values: { wait: ['5'] },
      operands: ['a', '--wait', '-x'],
      sawDoubleDash: true,
    });
    expect(parseArgs(['--wait', '7'], specs).unwrap().options).toEqual({ wait: '7' });
  });

  it('errors: unknown options, missing values, a value for a flag', () => {
    expect(globals(['-Z']).unwrapErr()).toBe("unknown option '-Z'");
    expect(globals(['-qZ']).unwrapErr()).toBe("unknown option '-Z'");
    expect(globals(['--frob']).unwrapErr()).toBe("unknown option '--frob'");
    expect(globals(['-p']).unwrapErr()).toBe("option '-p' needs a value");
    expect(globals(['--json=yes']).unwrapErr()).toBe("option '--json' takes no value");
    expect(parseArgs(['--wait'], [{ long: 'wait', value: true }]).unwrapErr()).toBe(
      "option '--wait' needs a value",
    );
  });

  it('never throws, whatever the words', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (argv) => {
        const result = globals(argv);
        if (result.isOk()) {
          // Every operand is one of the input words, in order.
          const { operands } = result.value;
          expect(argv.slice(argv.length - operands.length)).toEqual(operands);
        }
      }),
    );
  });
});

describe('globalSettings', () => {
  it('ports, timeouts and defaults', () => {
    const settings = globalSettings({ port: '953', timeout: '5', quiet: true }).unwrap();
    expect(settings).toMatchObject({ port: 953, timeoutMs: 5000, quiet: true, json: false });
    expect(globalSettings({}).unwrap().timeoutMs).toBe(60_000);
    expect(globalSettings({ port: '0' }).unwrapErr()).toBe("port '0' out of range");
    expect(globalSettings({ port: '65536' }).isErr()).toBe(true);
    expect(globalSettings({ port: '9x' }).isErr()).toBe(true);
    expect(globalSettings({ timeout: '0' }).isErr()).toBe(true);
    expect(globalSettings({ timeout: '1.5' }).isErr()).toBe(true);
  });

  it('whole numbers and --named-pid', () => {
    expect(parseWholeNumber('953', 1, 65535)).toBe(953);
    expect(parseWholeNumber('0', 1, 65535)).toBeUndefined();
    expect(parseWholeNumber('0', 0, 9)).toBe(0);
    expect(parseWholeNumber('+1', 0, 9)).toBeUndefined();
    expect(parseWholeNumber('1e3', 0, 9999)).toBeUndefined();
    expect(parseWholeNumber('', 0, 9)).toBeUndefined();
    expect(namedPidOption({}).unwrap()).toBeUndefined();
    expect(namedPidOption({ namedPid: '42' }).unwrap()).toBe(42);
    expect(namedPidOption({ namedPid: '0' }).unwrapErr()).toBe(
      "--named-pid '0' is not a process id",
    );
  });

  it('parseSeconds and wantsVerify', () => {
    expect(parseSeconds('2.5')).toBe(2.5);
    expect(parseSeconds('0')).toBeUndefined();
    expect(parseSeconds('soon')).toBeUndefined();
    expect(wantsVerify(['dyn.test', '--verify'])).toBe(true);
    expect(wantsVerify(['--', '--verify'])).toBe(false);
    expect(wantsVerify(['-clean', 'dyn.test'])).toBe(false);
  });

  it('sync -clean always goes the verified way: wantsClean anywhere (also after --); refusals before anything is sent', async () => {
    expect(wantsClean(['-clean', 'dyn.test'])).toBe(true);
    expect(wantsClean(['dyn.test', '--clean'])).toBe(true);
    expect(wantsClean(['--', '-clean', 'dyn.test'])).toBe(true);
    expect(wantsClean(['dyn.test'])).toBe(false);
    // No configuration is even looked for: these are refused first (exit 1, usage).
    const all = fakeIo();
    expect(await runCli(['-c', '/nonexistent/rndc.conf', 'sync', '-clean'], all)).toBe(1);
    expect(all.err()).toMatch(/^rndc-js: sync -clean needs a zone: /);
    expect(all.err()).toContain(UNVERIFIED_CLEAN_FLAG);
    const noClean = fakeIo();
    expect(
      await runCli(
        ['-c', '/nonexistent/rndc.conf', 'sync', 'dyn.test', UNVERIFIED_CLEAN_FLAG],
        noClean,
      ),
    ).toBe(1);
    expect(noClean.err()).toContain(
      `${UNVERIFIED_CLEAN_FLAG} goes with -clean and without --verify`,
    );
    expect(noClean.err()).not.toContain('WARNING');
  });

  it('--trust-named-pid vouches for a --named-pid: alone it is refused before anything is sent', async () => {
    const io = fakeIo();
    expect(
      await runCli(
        ['-c', '/nonexistent/rndc.conf', 'sync', 'dyn.test', '--verify', '--trust-named-pid'],
        io,
      ),
    ).toBe(1);
    expect(io.err()).toMatch(/^rndc-js: --trust-named-pid vouches for --named-pid PID/);
  });
});

describe('result names (--json resultName and -r share the library table)', () => {
  it('known, unknown and no result', () => {
    expect(resultName(0)).toBe('ISC_R_SUCCESS');
    expect(resultName(23)).toBe('ISC_R_NOTFOUND');
    expect(resultName(9999)).toBe('UNKNOWN');
    expect(resultName(-1)).toBe('NONE');
    const r = (result: number) =>
      renderLikeRndc({ command: 'status', result, err: undefined, text: '' }, { showResult: true })
        .stdout;
    expect(r(23)).toBe('ISC_R_NOTFOUND 23\n');
    expect(r(9999)).toBe('UNKNOWN 9999\n');
    expect(r(-1)).toBe('NONE -1\n');
    const reply = {
      command: 'x',
      server: 's',
      result: 154,
      err: 'frozen',
      text: '',
      type: undefined,
    };
    expect(jsonReply(reply).resultName).toBe('DNS_R_FROZEN');
  });
});

describe('runCli without named', () => {
  it('an unexpected exception is one line and a request to report it, exit 70', async () => {
    const io = fakeIo({
      stdoutWrite: () => {
        throw new Error('disk on fire');
      },
    });
    expect(await runCli(['triggers'], io)).toBe(70);
    expect(io.err()).toBe(
      'rndc-js: internal error: disk on fire\nrndc-js: this is a bug; please report it with the command line used\n',
    );
  });

  it('usage errors say what is wrong and where to look', async () => {
    const io = fakeIo({ stdoutWrite: () => true });
    expect(await runCli(['-qZ', 'status'], io)).toBe(1);
    expect(io.err()).toBe("rndc-js: unknown option '-Z'\nTry 'rndc-js --help' for usage.\n");
  });
});
