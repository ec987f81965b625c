import { describe, expect, it } from 'vitest';
import {
  eventTone,
  formatEventTime,
  formatExactTime,
  shortId,
  summariseMetadata,
  targetHref,
} from '../../src/app/console/[orgId]/audit/audit-format';

describe('the metadata summary of an audit event', () => {
  it.each([
    [
      'participant.stage_changed',
      { from: 'active', to: 'at_risk', interventionId: 'i-1', reversal: false },
      'active → at_risk',
    ],
    [
      'participant.stage_changed',
      { from: 'at_risk', to: 'active', reversal: true },
      'at_risk → active · reversal',
    ],
    [
      'participant.stage_changed',
      {
        from: 'active',
        to: 'at_risk',
        interventionId: null,
        reversal: false,
        cause: 'engine',
        reason: 'demoted',
      },
      'active → at_risk · stage update, demoted',
    ],
    [
      'intervention.created',
      {
        type: 'flag_for_review',
        scope: 'participant',
        segment: null,
        targets: 3,
        applied: 2,
        unchanged: 1,
        reason: 'Quiet for weeks',
      },
      'flag_for_review · 3 targets · 2 changed · “Quiet for weeks”',
    ],
    [
      'intervention.created',
      { type: 'pause_messaging', scope: 'segment', segment: 'dormant', targets: 1, applied: 1, reason: 'r' },
      'pause_messaging · 1 target in dormant · 1 changed · “r”',
    ],
    [
      'intervention.reversed',
      { reason: 'Mistake', reversed: 2, notReversed: ['p-9'] },
      '2 reversed · 1 not reversed · “Mistake”',
    ],
    [
      'recommendation.accepted',
      { reason: null, suggestedAction: 'flag_for_review', interventionId: 'i-1' },
      'flag_for_review · applied',
    ],
    [
      'recommendation.dismissed',
      { reason: 'Seen in person', suggestedAction: 'verify_relationship' },
      'verify_relationship · “Seen in person”',
    ],
    [
      'member.role_changed',
      { email: 'a@x.example', from: 'viewer', to: 'operator' },
      'a@x.example · viewer → operator',
    ],
    ['member.added', { email: 'a@x.example', role: 'viewer' }, 'a@x.example · as viewer'],
    ['member.removed', { email: 'a@x.example', role: 'admin' }, 'a@x.example · was admin'],
    [
      'access.denied',
      { method: 'GET', path: '/console/o/audit', reason: 'insufficient_role', permission: 'audit.read' },
      'needs audit.read · GET /console/o/audit',
    ],
    [
      'access.denied',
      { method: 'GET', path: '/api/orgs/o', reason: 'not_a_member' },
      'not_a_member · GET /api/orgs/o',
    ],
    ['auth.signed_in', { method: 'email', ip: '10.0.0.1', userAgent: 'x' }, 'email · from 10.0.0.1'],
    ['auth.sign_in_failed', { reason: 'invalid_credentials', ip: null }, 'invalid_credentials'],
    [
      'audit.exported',
      { format: 'csv', filters: { type: 'member.added' } },
      'CSV · filters: type=member.added',
    ],
    ['audit.exported', { format: 'ndjson', filters: {} }, 'NDJSON · no filters'],
  ])('%s %j reads "%s"', (type, metadata, expected) => {
    expect(summariseMetadata(type, metadata)).toBe(expected);
  });

  it('summarises views by their filters first, then the rest, skipping empty values', () => {
    expect(
      summariseMetadata('participants.listed', {
        filters: { stage: 'at_risk', q: '', role: null },
        count: 1234,
        page: 'first',
      }),
    ).toBe('filters: stage=at_risk · count: 1,234 · page: first');
    expect(summariseMetadata('audit.viewed', { filters: {}, count: 5, page: 'next' })).toBe(
      'no filters · count: 5 · page: next',
    );
  });

  it('counts lists, nests objects, and says nothing for empty metadata', () => {
    expect(
      summariseMetadata('import.completed', { files: ['a', 'b'], totals: { rows: 3, skipped: 0 } }),
    ).toBe('files: 2 items · totals: rows=3, skipped=0');
    expect(summariseMetadata('participant.viewed', {})).toBe('');
    expect(summariseMetadata('some.future_event', { flag: true })).toBe('flag: yes');
  });

  it('falls back to the generic summary when a known event lacks its usual fields', () => {
    expect(summariseMetadata('member.added', { role: 'owner', via: 'cli' })).toBe('as owner');
    expect(summariseMetadata('member.added', {})).toBe('');
  });

  it('keeps one line short', () => {
    const text = summariseMetadata('import.completed', {
      a: 'x'.repeat(50),
      b: 'y'.repeat(50),
      c: 'z'.repeat(50),
    });
    expect(text.length).toBe(140);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('how an event is shown', () => {
  it('colours refusals, undoings, changes and reads differently', () => {
    expect(eventTone('access.denied')).toBe('destructive');
    expect(eventTone('auth.sign_in_failed')).toBe('destructive');
    expect(eventTone('intervention.reversed')).toBe('warning');
    expect(eventTone('intervention.created')).toBe('success');
    expect(eventTone('graph.viewed')).toBe('secondary');
    expect(eventTone('participant.stage_changed')).toBe('default');
  });

  it('links targets to their pages', () => {
    const org = 'o1';
    expect(targetHref(org, 'participant', 'p 1')).toBe('/console/o1/participants/p%201');
    expect(targetHref(org, 'intervention', 'i1')).toBe('/console/o1/interventions/i1');
    expect(targetHref(org, 'recommendation', 'r1')).toBe('/console/o1/recommendations');
    expect(targetHref(org, 'org', 'o1')).toBe('/console/o1');
    expect(targetHref(org, 'user', 'u1')).toBe('/console/o1/members');
    expect(targetHref(org, 'relationship', 'a>b')).toBeNull();
    expect(targetHref(org, 'participant', null)).toBeNull();
    expect(targetHref(org, null, null)).toBeNull();
  });

  it('shortens UUIDs only', () => {
    expect(shortId('0b7c6d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e')).toBe('0b7c6d0e');
    expect(shortId('grace>jonas:co_attended')).toBe('grace>jonas:co_attended');
  });

  it('shows times in the org time zone, exactly to the microsecond on demand', () => {
    const iso = '2026-04-03T12:05:09.123456Z';
    const now = new Date('2026-12-31T12:00:00Z');
    expect(formatEventTime(iso, 'Europe/Berlin', now)).toBe('3 Apr, 14:05:09');
    expect(formatEventTime(iso, 'UTC', now)).toBe('3 Apr, 12:05:09');
    // Another year, in the org's zone: New Year's Eve in New York is already 2027 in Berlin.
    expect(formatEventTime('2026-12-31T23:30:00Z', 'Europe/Berlin', now)).toBe('1 Jan 2027, 00:30:00');
    expect(formatEventTime('2025-06-01T08:00:00Z', 'UTC', now)).toBe('1 Jun 2025, 08:00:00');
    expect(formatExactTime(iso, 'Europe/Berlin')).toBe('Fri, 3 Apr 2026, 14:05:09.123456 Europe/Berlin');
  });
});
