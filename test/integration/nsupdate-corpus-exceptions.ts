// The known disagreements of test/integration/nsupdate-corpus.test.ts (see there how to regenerate).
import type { CorpusException } from './nsupdate-corpus.test.js';

export const EXCEPTIONS: readonly CorpusException[] = [];
