// The entry of a compute worker thread. The app runs its TypeScript through tsx, whose loader does not
// reach worker threads by itself: register it here, then load the real entry.
import os from 'node:os';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// On Linux a thread has a niceness of its own, and setpriority(0) names the calling thread: only this
// one yields, never the thread that answers requests (elsewhere it would name the whole process). It
// yields before loading its code, which it does while the job is still reading (decision 050).
if (process.platform === 'linux') os.setPriority(workerData.niceness);
register();
await import('./compute-worker-main.ts');
