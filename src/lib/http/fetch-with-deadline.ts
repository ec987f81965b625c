// fetch() with a deadline and a caller's signal. Not AbortSignal.any([AbortSignal.timeout(ms), signal]):
// Node holds those signals weakly (the timeout's timer, the combined signal's sources, undici's request),
// so a garbage collection during the wait drops them and a receiver that never answers hangs the
// request for ever (seen in CI; a collection every 20 ms reproduces it). Here the timer holds the
// controller, and the controller is held until fetch settles.

/** Like fetch; rejects with a DOMException named 'TimeoutError' once `timeoutMs` has passed. */
export async function fetchWithDeadline(
  url: string | URL,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<Response> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`No answer within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  const stop = () => controller.abort(signal?.reason);
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  try {
    return await fetch(url, { ...init, signal: controller.signal });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}
