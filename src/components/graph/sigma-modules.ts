// graphology and sigma, loaded on demand (they are most of the canvas's code) and once: the explorer
// asks for them as soon as its module runs in the browser, while the page hydrates, and the renderers
// take them from here.

const load = () => Promise.all([import('graphology'), import('sigma')]);

let loading: ReturnType<typeof load> | undefined;

/** The two modules; a failed load is tried again by the next call. */
export function loadSigmaModules(): ReturnType<typeof load> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
