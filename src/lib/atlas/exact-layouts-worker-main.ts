import { parentPort } from 'node:worker_threads';
import { serveLayouts, servePagerank, type HelperMessage } from './exact-layouts';

// The helper thread: works out each piece of work it is sent (exact-layouts.ts).
parentPort!.on('message', (message: HelperMessage) =>
  message.kind === 'pagerank' ? servePagerank(message.request) : serveLayouts(message.batch),
);
