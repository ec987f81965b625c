import { parentPort } from 'node:worker_threads';
import { serveLayouts, type HelperBatch } from './exact-layouts';

// The layout helper thread: works out each batch of layouts it is sent (exact-layouts.ts).
parentPort!.on('message', (batch: HelperBatch) => serveLayouts(batch));
