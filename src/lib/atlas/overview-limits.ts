// The sizes the stored overview is built for, shared by the layout (a worker thread), the readers and
// the graph API, so that what is laid out is what can be drawn. Plain constants: safe in every bundle.

/** Communities drawn as super-nodes in the overview: the largest, by number (0 the largest). */
export const OVERVIEW_COMMUNITIES = 1_000;

/** Links between drawn communities sent with the overview: the strongest (most relationships). */
export const OVERVIEW_LINKS = 5_000;

/**
 * Members drawn when drilling into a community: its most central (PageRank). The explorer draws up to
 * this many participants without laying them out itself (decision 015), so a drill-down stays under it.
 */
export const COMMUNITY_GRAPH_NODES = 10_000;

/** Relationships among the drawn members sent with a drill-down, like the whole-graph JSON cap. */
export const COMMUNITY_GRAPH_EDGES = 200_000;
