import { currentLabelIfAny, withQueryLabel } from './query-label';
import { currentRequestContext, runInRequest } from './request-context';

/**
 * `fn`, for calling back later from another context (pg's socket, a pool handing a freed client to its
 * next waiter), running in this one's request and statement label. What AsyncResource.bind does for
 * every async context, for only the two the logs and metrics read: bind cost 3% of a request's CPU
 * under load (bench -- health), most of it in creating the resource.
 */
export function inThisContext<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const request = currentRequestContext();
  const label = currentLabelIfAny();
  if (request === undefined && label === undefined) return fn;
  return (...args) => runInRequest(request, () => withQueryLabel(label, () => fn(...args)));
}
