/**
 * The rndc commands named knows, as the usage text lists them (rndc prints its catalog with the
 * usage too). Loaded only when the usage is printed.
 */
import { COMMANDS } from '../control/commands.js';

/** `rndc commands (sent to named as written):` then one synopsis per line. */
export function commandCatalog(): string {
  const lines = COMMANDS.filter((command) => !command.hidden).map((command) => {
    const since = command.addedIn ? ` (BIND ${command.addedIn}+)` : '';
    const until = command.removedIn ? ` (before BIND ${command.removedIn})` : '';
    return `  ${command.synopsis}${since}${until}`;
  });
  return `\nrndc commands (sent to named as written):\n${lines.join('\n')}\n`;
}
