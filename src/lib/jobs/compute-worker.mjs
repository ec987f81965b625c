// The entry of a compute worker thread. The app runs its TypeScript through tsx, whose loader does not
// reach worker threads by itself: register it here, then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./compute-worker-main.ts');
