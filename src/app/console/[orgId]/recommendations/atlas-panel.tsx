import { AcceptanceRates, type RecommendationStats } from './acceptance-rates';
import { AtlasRunCard } from './atlas-run-card.client';
import type { Job } from './atlas-run-summary';

/** Above the inbox: Atlas's last run (and Run Atlas for admins), and how its suggestions were judged. */
export function AtlasPanel({
  orgId,
  canRun,
  now,
  timezone,
  latest,
  lastSucceeded,
  stats,
}: {
  orgId: string;
  canRun: boolean;
  now: number;
  timezone: string;
  latest: Job | null;
  lastSucceeded: Job | null;
  stats: RecommendationStats;
}) {
  return (
    <div className="grid gap-4 pb-4 lg:grid-cols-2">
      <AtlasRunCard
        orgId={orgId}
        canRun={canRun}
        now={now}
        timezone={timezone}
        latest={latest}
        lastSucceeded={lastSucceeded}
      />
      <AcceptanceRates stats={stats} />
    </div>
  );
}
