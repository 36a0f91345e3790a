// Worker entry: registers tsx in this thread (Node 20 does not pass loaders to workers), then
// loads the TypeScript worker.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
