// The CLI names its flags, never the library's option names (namedPid, timeoutMs, configFile…).
import { describe, expect, it } from 'vitest';
import { cliWording, formatError, jsonError } from '../../src/cli/output.js';
import { DiagnoseError } from '../../src/dump/diagnose.js';

const API_NAMES =
  /\b(namedPid|namedConf|namedBinary|namedUser|zoneFile|journalFile|configFile|keyFile|timeoutMs)\b/;

describe('CLI wording', () => {
  it('library option names become the flags that set them', () => {
    expect(
      cliWording(
        "Pass named's pid (namedPid / --named-pid; its pid file), named.conf (namedConf / --named-conf), or give more time (timeoutMs); pass namedPid so",
      ),
    ).toBe(
      "Pass named's pid (--named-pid; its pid file), named.conf (--named-conf), or give more time (-t); pass --named-pid so",
    );
    expect(cliWording('configFile and keyFile')).toBe('-c and -k');
  });

  it('printed and JSON errors: message, causes and remedy all worded for the CLI', () => {
    const error = {
      kind: 'timeout',
      message: 'not finished within timeoutMs',
      causes: ['namedPid / --named-pid was not given'],
      remedy: 'give more time (timeoutMs), or pass namedPid',
    };
    expect(formatError(error)).not.toMatch(API_NAMES);
    expect(JSON.stringify(jsonError(error))).not.toMatch(API_NAMES);
    expect(formatError(error)).toContain('--named-pid');
  });

  it('a real library error text reaching the CLI', () => {
    const error = new DiagnoseError({
      kind: 'invalid-argument',
      message: 'namedPid must be a positive integer, got -1',
    });
    expect(formatError(error)).toBe('rndc-js: --named-pid must be a positive integer, got -1\n');
  });
});
