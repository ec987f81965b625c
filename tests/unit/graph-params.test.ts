import { createSerializer } from 'nuqs';
import { describe, expect, it } from 'vitest';
import {
  graphParsers,
  hasNodeFilters,
  roundConfidence,
  toGraphApiQuery,
  type GraphViewState,
} from '../../src/app/console/[orgId]/graph/graph-params';

const base: GraphViewState = {
  community: null,
  focus: null,
  depth: 1,
  colour: 'stage',
  stage: null,
  role: null,
  segment: null,
  minConfidence: 0,
};
const small = { participants: 12, wholeLimit: 10_000 };
const FOCUS = '0b8f8d9e-6d7c-4a51-9e0e-3c0f1f2a3b4c';

describe('graph URL state', () => {
  it('asks for the whole org in compact form when it is small enough to draw', () => {
    expect(toGraphApiQuery(base, small)).toEqual({ format: 'compact' });
  });

  it('opens a large org on the overview, filters included', () => {
    expect(
      toGraphApiQuery({ ...base, stage: 'at_risk' }, { participants: 20_000, wholeLimit: 10_000 }),
    ).toEqual({
      format: 'compact',
      view: 'overview',
      stage: 'at_risk',
    });
  });

  it('sends focus and depth, never the overview, for a neighbourhood', () => {
    const query = toGraphApiQuery(
      { ...base, focus: FOCUS, depth: 2, minConfidence: 0.5 },
      { participants: 1e6, wholeLimit: 10_000 },
    );
    expect(query).toEqual({ format: 'compact', focus: FOCUS, depth: 2, minConfidence: 0.5 });
  });

  it('drills into a community of a large org with the filters, and a focus inside it wins', () => {
    const large = { participants: 1e6, wholeLimit: 10_000 };
    expect(toGraphApiQuery({ ...base, community: 0, stage: 'active' }, large)).toEqual({
      format: 'compact',
      community: 0,
      stage: 'active',
    });
    expect(toGraphApiQuery({ ...base, community: 3, focus: FOCUS }, large)).toEqual({
      format: 'compact',
      focus: FOCUS,
      depth: 1,
    });
    expect(graphParsers.community.parse('12')).toBe(12);
    expect(graphParsers.community.parse('-1')).toBeNull();
    expect(graphParsers.community.parse('1.5')).toBeNull();
    expect(graphParsers.community.parse('x')).toBeNull();
  });

  it('drops a blank role and a zero confidence, and keeps the colour mode out of the API query', () => {
    expect(toGraphApiQuery({ ...base, role: '  ', colour: 'role' }, small)).toEqual({ format: 'compact' });
    expect(hasNodeFilters({ stage: null, role: ' ', segment: null })).toBe(false);
    expect(hasNodeFilters({ stage: null, role: null, segment: 'isolated' })).toBe(true);
  });

  it('reads what it writes, and ignores hand-edited values outside the ranges', () => {
    const serialize = createSerializer(graphParsers);
    const url = serialize('/graph', { focus: FOCUS, depth: 2, colour: 'segment', minConfidence: 0.35 });
    const params = new URL(url, 'http://x').searchParams;
    expect(params.get('focus')).toBe(FOCUS);
    expect(params.get('depth')).toBe('2');
    expect(graphParsers.depth.parse('2')).toBe(2);
    expect(graphParsers.depth.parse('4')).toBeNull();
    expect(graphParsers.depth.parse('zero')).toBeNull();
    expect(graphParsers.focus.parse('not-an-id')).toBeNull();
    expect(graphParsers.focus.parse(FOCUS.toUpperCase())).toBe(FOCUS);
    expect(graphParsers.colour.parse('rainbow')).toBeNull();
    expect(graphParsers.minConfidence.parse('1.5')).toBeNull();
    expect(graphParsers.minConfidence.parse('0.33')).toBe(0.35);
    expect(roundConfidence(-1)).toBe(0);
  });
});
