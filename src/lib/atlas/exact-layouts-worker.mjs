// The entry of an Atlas run's helper thread (exact-layouts.ts). As for the compute worker, tsx's loader
// does not reach worker threads by itself: register it here, then load the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./exact-layouts-worker-main.ts');
