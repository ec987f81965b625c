import { describe, expect, it } from 'vitest';
import {
  EGO_CENTER,
  EGO_SIZE,
  egoLayout,
} from '../../src/app/console/[orgId]/participants/[participantId]/ego-layout';
import {
  describeEvent,
  foldViews,
  viewersPhrase,
  type TimelineEvent,
} from '../../src/app/console/[orgId]/participants/[participantId]/participant-timeline';

const event = (id: string, eventType: string, actorEmail: string | null, metadata = {}): TimelineEvent => ({
  id,
  eventType,
  actorEmail,
  metadata,
  createdAt: `2026-03-0${id}T12:00:00Z`,
});

describe('participant timeline', () => {
  it('folds each run of consecutive views into one entry, keeping changes apart', () => {
    const entries = foldViews([
      event('9', 'participant.viewed', 'ana@x.example'),
      event('8', 'participant.viewed', 'ben@x.example'),
      event('7', 'participant.viewed', 'ana@x.example'),
      event('6', 'participant.stage_changed', 'ana@x.example', { from: 'active', to: 'at_risk' }),
      event('5', 'participant.viewed', null),
    ]);
    expect(entries.map((e) => e.kind)).toEqual(['views', 'event', 'views']);
    expect(entries[0]).toMatchObject({
      count: 3,
      viewers: ['ana@x.example', 'ben@x.example'],
      from: '2026-03-07T12:00:00Z',
      to: '2026-03-09T12:00:00Z',
    });
    expect(entries[2]).toMatchObject({ count: 1, viewers: ['a former member'] });
  });

  it('describes stage changes and reversals in words', () => {
    expect(
      describeEvent(event('1', 'participant.stage_changed', null, { from: 'active', to: 'at_risk' })),
    ).toBe('Stage changed from active to at risk');
    expect(
      describeEvent(
        event('1', 'participant.stage_changed', null, { from: 'at_risk', to: 'active', reversal: true }),
      ),
    ).toBe('Stage restored from at risk to active');
    expect(viewersPhrase(['a', 'b', 'c'])).toBe('a and 2 others');
    expect(viewersPhrase(['a', 'b'])).toBe('a and b');
  });
});

describe('ego-graph layout', () => {
  it('places every neighbour inside the picture, apart from the centre and from each other', () => {
    for (const count of [1, 2, 5, 12, 13, 24]) {
      const nodes = egoLayout(count);
      expect(nodes).toHaveLength(count);
      for (const [i, a] of nodes.entries()) {
        expect(a.x).toBeGreaterThan(10);
        expect(a.x).toBeLessThan(EGO_SIZE - 10);
        expect(a.y).toBeGreaterThan(10);
        expect(a.y).toBeLessThan(EGO_SIZE - 10);
        expect(Math.hypot(a.x - EGO_CENTER.x, a.y - EGO_CENTER.y)).toBeGreaterThan(60);
        for (const b of nodes.slice(i + 1))
          expect(Math.hypot(a.x - b.x, a.y - b.y), `${count}`).toBeGreaterThan(30);
      }
    }
  });
});
