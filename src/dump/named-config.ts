/**
 * named's `directory` option, read from its configuration file (the path `rndc status` reports):
 * zonestatus prints zone files as configured, relative to that directory.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Err, Ok, type Result } from 'ts-results-es';
import { loadConfigFile } from '../keys/load.js';
import { keyword } from '../keys/tree.js';

/** The absolute `directory` of named.conf, or why it could not be found. */
export async function namedDirectory(configFile: string): Promise<Result<string, string>> {
  if (!isAbsolute(configFile)) {
    return Err(
      `named's configuration file is given relative to named's working directory (${configFile})`,
    );
  }
  // include paths are relative to named's working directory; the config file's is the best guess.
  const loaded = await loadConfigFile(configFile, { baseDir: dirname(configFile) });
  if (loaded.isErr()) return Err(`cannot read ${configFile}: ${loaded.error.message}`);
  for (const statement of loaded.value.statements) {
    if (keyword(statement) !== 'options' || !statement.block) continue;
    for (const option of statement.block) {
      if (keyword(option) !== 'directory') continue;
      const value = option.words[1]?.text;
      if (!value) return Err(`${option.file}:${option.line}: directory without a value`);
      if (!isAbsolute(value)) {
        return Err(
          `${option.file}:${option.line}: directory "${value}" is relative to named's working directory`,
        );
      }
      return Ok(resolve(value));
    }
  }
  return Err(`${configFile} sets no options { directory }: named uses its working directory`);
}
