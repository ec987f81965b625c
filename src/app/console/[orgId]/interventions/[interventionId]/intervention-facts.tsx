import { Card, CardContent } from '../../../../../components/ui/card';
import type { InterventionDetail } from '../../../../../lib/services/views/interventions';
import { formatDate } from '../../../../../components/interventions/intervention-states';
import { formatWhen } from '../interventions-format';

// The why, who and when of one intervention, and of its reversal.

function Fact({ term, children }: { term: string; children: React.ReactNode }) {
  return (
    <div className="grid gap-1">
      <dt className="text-xs font-medium text-muted-foreground">{term}</dt>
      <dd className="text-sm break-words whitespace-pre-line">{children}</dd>
    </div>
  );
}

const person = (p: InterventionDetail['operator']) =>
  p ? `${p.name || p.email} (${p.email})` : 'A former member';

function effect(changed: number, total: number): string {
  const unchanged = total - changed;
  if (unchanged === 0)
    return total === 1 ? 'Changed its target.' : `Changed all ${total.toLocaleString('en')} targets.`;
  if (changed === 0) return 'Changed nothing: every target already was that way.';
  return `Changed ${changed.toLocaleString('en')} of ${total.toLocaleString('en')}; ${unchanged.toLocaleString('en')} already ${unchanged === 1 ? 'was' : 'were'} that way.`;
}

export function InterventionFacts({ detail, timeZone }: { detail: InterventionDetail; timeZone: string }) {
  const { intervention } = detail;
  const until =
    intervention.type === 'suppress_recommendations'
      ? Object.values(intervention.newState.targets)[0]?.recommendationsSuppressedUntil
      : undefined;
  const changed = Object.values(intervention.newState.results).filter((r) => r === 'applied').length;
  return (
    <Card>
      <CardContent className="pt-4">
        <dl className="grid gap-4 sm:grid-cols-2">
          <Fact term="Reason">{intervention.reason}</Fact>
          <Fact term="Made by">
            {person(detail.operator)} as {intervention.operatorRole},{' '}
            {formatWhen(intervention.createdAt, timeZone)}
          </Fact>
          {intervention.newState.note && <Fact term="Note">{intervention.newState.note}</Fact>}
          {intervention.type === 'suppress_recommendations' && (
            <Fact term="Suppressed until">{until ? formatDate(until) : 'Until reversed'}</Fact>
          )}
          <Fact term="Effect">{effect(changed, detail.targetCount)}</Fact>
          {intervention.reversedAt ? (
            <Fact term="Reversed">
              By {person(detail.reversedBy)}, {formatWhen(intervention.reversedAt, timeZone)}:{' '}
              {intervention.reversalReason}
            </Fact>
          ) : (
            <Fact term="Reversed">Not reversed: it is still in effect.</Fact>
          )}
        </dl>
      </CardContent>
    </Card>
  );
}
