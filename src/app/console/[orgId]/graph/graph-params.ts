import {
  createLoader,
  createParser,
  parseAsFloat,
  parseAsInteger,
  parseAsString,
  parseAsStringLiteral,
} from 'nuqs/server';
import { LIFECYCLE_STAGES, SEGMENT_KEYS, type LifecycleStage, type SegmentKey } from '../../../../lib/domain';

// The explorer's state in the URL, so a view reloads and shares as it was: the community drilled into,
// the focus and its depth, the colour mode, the API's own filters and the minimum confidence. This module maps the URL to the graph
// API's query and back, for the explorer and for the page on the server; it holds no React.

export const COLOUR_MODES = ['stage', 'segment', 'role'] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A participant id, or nothing: a hand-edited focus that is not an id is dropped, not sent. */
const parseAsParticipantId = createParser({
  parse: (value: string) => (UUID.test(value) ? value.toLowerCase() : null),
  serialize: (value: string) => value,
});

/** Depth 1–3 (the API's range); anything else in the URL reads as the default. */
const parseAsDepth = createParser({
  parse: (value: string) => {
    const depth = parseAsInteger.parse(value);
    return depth !== null && depth >= 1 && depth <= 3 ? depth : null;
  },
  serialize: (value: number) => String(value),
});

/** A community number of the latest Atlas run (0 the largest); anything else reads as none. */
const parseAsCommunity = createParser({
  parse: (value: string) => (/^\d{1,9}$/.test(value) ? Number(value) : null),
  serialize: (value: number) => String(value),
});

/** A confidence between 0 and 1 in steps of 0.05, as the slider gives it. */
const parseAsConfidence = createParser({
  parse: (value: string) => {
    const confidence = parseAsFloat.parse(value);
    return confidence !== null && confidence >= 0 && confidence <= 1 ? roundConfidence(confidence) : null;
  },
  serialize: (value: number) => String(roundConfidence(value)),
});

export function roundConfidence(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 20) / 20;
}

export const graphParsers = {
  community: parseAsCommunity,
  focus: parseAsParticipantId,
  depth: parseAsDepth.withDefault(1),
  colour: parseAsStringLiteral(COLOUR_MODES).withDefault('stage'),
  stage: parseAsStringLiteral(LIFECYCLE_STAGES),
  role: parseAsString,
  segment: parseAsStringLiteral(SEGMENT_KEYS),
  minConfidence: parseAsConfidence.withDefault(0),
};

/** The explorer's state from a request's search params (the page, on the server). */
export const loadGraphSearchParams = createLoader(graphParsers);

export interface GraphViewState {
  community: number | null;
  focus: string | null;
  depth: number;
  colour: ColourMode;
  stage: LifecycleStage | null;
  role: string | null;
  segment: SegmentKey | null;
  minConfidence: number;
}

export interface GraphApiQuery {
  format: 'compact';
  view?: 'overview';
  community?: number;
  focus?: string;
  depth?: number;
  stage?: LifecycleStage;
  role?: string;
  segment?: SegmentKey;
  minConfidence?: number;
}

/**
 * The graph API query for a view: the neighbourhood of the focus, or else the community drilled into,
 * or else the whole (filtered) org — or, for an org over `wholeLimit` participants, its overview (the
 * communities of the latest Atlas run, or its most connected participants). The colour mode is the
 * browser's business and is not sent.
 */
export function toGraphApiQuery(
  state: GraphViewState,
  org: { participants: number; wholeLimit: number },
): GraphApiQuery {
  const query: GraphApiQuery = { format: 'compact' };
  if (state.focus) {
    query.focus = state.focus;
    query.depth = state.depth;
  } else if (state.community !== null) {
    query.community = state.community;
  } else if (org.participants > org.wholeLimit) {
    query.view = 'overview';
  }
  if (state.stage) query.stage = state.stage;
  if (state.role?.trim()) query.role = state.role.trim();
  if (state.segment) query.segment = state.segment;
  if (state.minConfidence > 0) query.minConfidence = state.minConfidence;
  return query;
}

/** True when any of the API's node filters is set (the empty state then offers to clear them). */
export function hasNodeFilters(state: Pick<GraphViewState, 'stage' | 'role' | 'segment'>): boolean {
  return Boolean(state.stage || state.role?.trim() || state.segment);
}
