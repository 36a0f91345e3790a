/**
 * rndc-js's own commands (everything but rndc mode), loaded together by the dispatcher when one
 * of them runs. One module on purpose: each lazily imported module is an entry point of the
 * build, and every entry point splits the code shared with the library into more chunks —
 * which `rndc-js status` would then load one file at a time (startup: bench/cli.bench.ts).
 */
export { batchCommand } from './batch-command.js';
export { cleanTmpCommand } from './clean-tmp-command.js';
export { commandCatalog } from './command-catalog.js';
export { doctorCommand } from './doctor-command.js';
export { explainCommand } from './explain-command.js';
export { fleetCommand } from './fleet-command.js';
export { propagationCommand } from './propagation-command.js';
export { recoverCommand } from './recover-command.js';
export { transferCommand } from './transfer-command.js';
export { triggersCommand } from './triggers-command.js';
export { updateCommand } from './update.js';
export { verifyCommand } from './verify-command.js';
