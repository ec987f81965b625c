import { describe, expect, it } from 'vitest';
import {
  actionLabel,
  confidenceBand,
  daysAgo,
  evidenceFor,
  factText,
  interventionPhrase,
  timeAgo,
  type RecommendationTarget,
} from '../../src/app/console/[orgId]/recommendations/recommendation-text';

const NOW = Date.parse('2026-06-30T12:00:00Z');
const ago = (days: number) => new Date(NOW - days * 86_400_000).toISOString();

// The demo's three recommendations, with their targets as the API describes them.
const elena: RecommendationTarget = {
  type: 'participant',
  participant: {
    id: '00000000-0000-4000-8000-00000000000e',
    displayName: 'Elena Petrova',
    role: 'contributor',
    lifecycleStage: 'at_risk',
    activityStage: 'at_risk',
    lastActivityAt: ago(41),
    createdAt: ago(300),
    degree: 4,
    flaggedForReview: false,
    outreachPaused: false,
    recommendationsSuppressed: false,
    neighbours: { new: 0, active: 2, at_risk: 1, dormant: 0 },
  },
};
const hiro: RecommendationTarget = {
  type: 'participant',
  participant: {
    ...elena.participant,
    displayName: 'Hiro Sato',
    lifecycleStage: 'active',
    activityStage: 'dormant',
    lastActivityAt: ago(75),
    neighbours: { new: 0, active: 2, at_risk: 0, dormant: 0 },
  },
};
const person = (name: string, stage: 'dormant' | 'active', days: number) => ({
  id: '00000000-0000-4000-8000-000000000001',
  displayName: name,
  role: 'member',
  lifecycleStage: stage,
  lastActivityAt: ago(days),
  degree: 1,
});
const link: RecommendationTarget = {
  type: 'relationship',
  relationship: {
    id: '00000000-0000-4000-8000-0000000000aa',
    type: 'co_attended',
    source: 'calendar',
    confidence: 0.41,
    createdAt: ago(300),
    flaggedForReview: false,
    from: person('Grace Lindqvist', 'dormant', 97),
    to: person('Jonas Weber', 'dormant', 160),
  },
};

describe('what a card says', () => {
  it('names actions for people, and a stage change by the stage the activity points to', () => {
    expect(actionLabel({ suggestedAction: 'flag_for_review', target: elena })).toBe('Flag for review');
    expect(actionLabel({ suggestedAction: 'set_lifecycle_stage', target: hiro })).toBe('Move to Dormant');
    expect(actionLabel({ suggestedAction: 'set_lifecycle_stage', target: null })).toBe(
      'Change lifecycle stage',
    );
    expect(actionLabel({ suggestedAction: 'send_weekly_digest', target: null })).toBe('Send weekly digest');
  });

  it('says what accepting with the intervention does, on a person or on a link', () => {
    expect(interventionPhrase({ intervention: 'flag_for_review', target: elena })).toBe(
      'flag Elena Petrova for review',
    );
    expect(interventionPhrase({ intervention: 'flag_for_review', target: link })).toBe(
      'flag the link between Grace Lindqvist and Jonas Weber for review',
    );
    expect(interventionPhrase({ intervention: 'set_lifecycle_stage', target: hiro })).toBe(
      'move Hiro Sato to Dormant',
    );
    expect(interventionPhrase({ intervention: null, target: elena })).toBeNull();
  });

  it('puts confidence in words and whole percents', () => {
    expect(confidenceBand(0.78)).toEqual({ band: 'high', label: 'High', percent: 78 });
    expect(confidenceBand(0.55)).toEqual({ band: 'medium', label: 'Medium', percent: 55 });
    expect(confidenceBand(0.2)).toEqual({ band: 'low', label: 'Low', percent: 20 });
  });

  it('tells times relative to the page’s now', () => {
    expect(daysAgo(ago(41), NOW)).toBe('41 days ago');
    expect(daysAgo(ago(1), NOW)).toBe('yesterday');
    expect(daysAgo(null, NOW)).toBe('never');
    expect(timeAgo(new Date(NOW - 5 * 60_000).toISOString(), NOW)).toBe('5 min ago');
    expect(timeAgo(new Date(NOW - 3 * 3_600_000).toISOString(), NOW)).toBe('3 h ago');
  });
});

describe('the evidence a reason cites', () => {
  it("shows the figures Elena's reason cites first: her last activity and her connections", () => {
    const facts = evidenceFor(
      {
        reason:
          'No activity for 41 days after weekly activity before, and two of her three direct connections are also at risk or dormant.',
        target: elena,
      },
      NOW,
    );
    expect(facts.map((f) => [f.key, f.cited])).toEqual([
      ['lastActivity', true],
      ['stage', true],
      ['connections', true],
    ]);
    expect(factText(facts[0]!)).toMatch(/^41 days ago \(/);
    expect(facts[0]!.warn).toBe(true);
    // Today's figures, even when they no longer bear the reason out: one of three is at risk, not two.
    expect(factText(facts[2]!)).toBe('3 people: 2 active, 1 at risk');
    expect(facts[2]!.warn).toBe(false);
  });

  it("shows the stage on record against the activity's for Hiro", () => {
    const [, stage] = evidenceFor(
      {
        reason:
          'Marked active, but the last activity was 75 days ago; the dormant stage matches the activity data.',
        target: hiro,
      },
      NOW,
    );
    expect(stage!.key).toBe('stage');
    expect(stage!.value).toEqual([{ stage: 'active' }, 'on record; the activity says', { stage: 'dormant' }]);
    expect(stage!.warn).toBe(true);
  });

  it('for a link: its source, its age, its confidence and both ends; uncited ones last', () => {
    const facts = evidenceFor(
      {
        reason:
          'Seen once in an imported calendar and never since; both participants are dormant, so the link may be stale.',
        target: link,
      },
      NOW,
    );
    expect(facts.map((f) => f.key)).toEqual(['linkSource', 'linkAge', 'linkConfidence', 'linkEnds']);
    expect(facts.every((f) => f.cited)).toBe(true);
    expect(factText(facts[3]!)).toBe('Dormant last active 97 days ago; Dormant last active 160 days ago');
    expect(facts[3]!.warn).toBe(true);
    const uncited = evidenceFor({ reason: 'Looks odd.', target: link }, NOW);
    expect(uncited.every((f) => !f.cited)).toBe(true);
  });

  it('always shows what is already in place, and nothing for a target that is gone', () => {
    const flagged: RecommendationTarget = {
      type: 'participant',
      participant: { ...elena.participant, flaggedForReview: true, outreachPaused: true },
    };
    const [first] = evidenceFor({ reason: 'Looks odd.', target: flagged }, NOW);
    expect(first).toMatchObject({ key: 'controls', cited: true });
    expect(factText(first!)).toBe('flagged for review, outreach paused');
    expect(evidenceFor({ reason: 'x', target: null }, NOW)).toEqual([]);
  });
});
