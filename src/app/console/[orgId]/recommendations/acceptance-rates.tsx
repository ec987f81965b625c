import { ThumbsUpIcon } from 'lucide-react';
import { formatWeek } from '../../../../components/charts/chart-format';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../../components/ui/card';
import { InlineEmpty } from '../../../../components/ui/inline-empty';
import type { components } from '../../../../lib/client/api-types';
import { detectorLabel } from './atlas-run-summary';

export type RecommendationStats = components['schemas']['RecommendationStats'];
type DetectorAcceptance = RecommendationStats['detectors'][number];
type WeekAcceptance = DetectorAcceptance['weeks'][number];

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** "3 of 4 accepted" */
const ofDecided = (w: { accepted: number; dismissed: number }) =>
  `${w.accepted.toLocaleString('en')} of ${(w.accepted + w.dismissed).toLocaleString('en')} accepted`;

/**
 * Per detector, the share of its recommendations operators accepted, week by week: which detectors
 * they trust. Each row says its totals in words; the weekly bars carry their counts on hover, and the
 * same numbers are a table behind "Show by week".
 */
export function AcceptanceRates({ stats, className }: { stats: RecommendationStats; className?: string }) {
  const weeks = stats.detectors[0]?.weeks.length ?? 0;
  const decided = stats.detectors.some((d) => d.accepted + d.dismissed > 0);
  return (
    <Card className={className} aria-labelledby="acceptance-title">
      <CardHeader>
        <div className="grid min-w-0 gap-1">
          <CardTitle id="acceptance-title">Acceptance by detector</CardTitle>
          <CardDescription>
            Share accepted of those decided, one bar per week over the last {weeks} weeks (a dash: none
            decided; weeks start Monday, {stats.timezone})
          </CardDescription>
        </div>
      </CardHeader>
      {!decided ? (
        <CardContent>
          <InlineEmpty icon={ThumbsUpIcon} title="No decisions yet">
            As operators accept or dismiss what Atlas suggests, each detector’s share accepted shows here,
            week by week, so you can see which to trust.
          </InlineEmpty>
        </CardContent>
      ) : (
        <>
          <CardContent className="overflow-x-auto">
            <table className="w-full border-collapse text-sm">
              <caption className="sr-only">Recommendations accepted of decided, per detector</caption>
              <thead>
                <tr className="border-b border-border text-xs text-muted-foreground">
                  <th scope="col" className="py-1 pr-3 text-left font-medium">
                    Detector
                  </th>
                  <th scope="col" className="py-1 pr-3 text-left font-medium">
                    By week
                  </th>
                  <th scope="col" className="py-1 text-right font-medium">
                    Accepted
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.detectors.map((d) => (
                  <tr key={d.detector ?? 'other'} className="border-b border-border/60 last:border-0">
                    <th scope="row" className="py-1.5 pr-3 text-left font-normal sm:whitespace-nowrap">
                      {detectorLabel(d.detector)}
                    </th>
                    <td className="w-full py-1.5 pr-3">
                      <Sparkline detector={d} />
                    </td>
                    <td className="py-1.5 text-right whitespace-nowrap tabular-nums">
                      {d.acceptanceRate === null ? (
                        <span className="text-muted-foreground">No decisions</span>
                      ) : (
                        <>
                          <span className="font-medium">{percent(d.acceptanceRate)}</span>
                          <span className="block text-xs text-muted-foreground sm:inline">
                            <span className="hidden sm:inline"> · </span>
                            {d.accepted.toLocaleString('en')} of{' '}
                            {(d.accepted + d.dismissed).toLocaleString('en')}
                          </span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </CardContent>
          <WeeklyTable stats={stats} />
        </>
      )}
    </Card>
  );
}

const BAR = 7;
const GAP = 3;
const HEIGHT = 24;

/** One bar per week: the track marks a week with decisions, the fill its share accepted. */
function Sparkline({ detector }: { detector: DetectorAcceptance }) {
  const width = detector.weeks.length * (BAR + GAP) - GAP;
  const decidedWeeks = detector.weeks.filter((w) => w.acceptanceRate !== null);
  const label =
    decidedWeeks.length === 0
      ? `${detectorLabel(detector.detector)}: no decisions in these weeks`
      : `${detectorLabel(detector.detector)} by week: ${decidedWeeks
          .map((w) => `${formatWeek(w.weekStart)}, ${ofDecided(w)}`)
          .join('; ')}`;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      // Stretched to the column (at most twice its drawn width): wider bars where there is room.
      preserveAspectRatio="none"
      className="block h-6 w-full min-w-20"
      style={{ maxWidth: width * 2 }}
    >
      {detector.weeks.map((w, i) => (
        <WeekBar key={w.weekStart} week={w} x={i * (BAR + GAP)} />
      ))}
    </svg>
  );
}

function WeekBar({ week, x }: { week: WeekAcceptance; x: number }) {
  const rate = week.acceptanceRate;
  const fill = rate === null ? 0 : Math.max(rate > 0 ? 2 : 0, rate * HEIGHT);
  return (
    <g>
      <title>
        {`${formatWeek(week.weekStart)}: ${rate === null ? 'no decisions' : `${ofDecided(week)} (${percent(rate)})`}`}
      </title>
      {rate === null ? (
        <rect x={x} y={HEIGHT - 2} width={BAR} height={2} rx={1} className="fill-muted-foreground/25" />
      ) : (
        <>
          <rect x={x} y={0} width={BAR} height={HEIGHT} rx={1.5} className="fill-muted-foreground/15" />
          <rect x={x} y={HEIGHT - fill} width={BAR} height={fill} rx={1.5} fill="var(--chart-1)" />
        </>
      )}
      {/* The whole column answers the pointer, so a week's counts show on hover even where nothing is drawn. */}
      <rect x={x} y={0} width={BAR + GAP} height={HEIGHT} fill="transparent" />
    </g>
  );
}

function WeeklyTable({ stats }: { stats: RecommendationStats }) {
  const weeks = [...(stats.detectors[0]?.weeks ?? [])].reverse();
  return (
    <details className="group border-t border-border px-4 py-2 text-xs">
      <summary className="cursor-pointer rounded-sm py-0.5 text-muted-foreground select-none hover:text-foreground">
        <span className="group-open:hidden">Show by week</span>
        <span className="hidden group-open:inline">Hide weeks</span>
      </summary>
      <div className="mt-2 max-h-72 overflow-auto">
        <table className="w-full border-collapse text-xs tabular-nums">
          <caption className="sr-only">Recommendations accepted of decided, per week and detector</caption>
          <thead className="sticky top-0 bg-card">
            <tr className="border-b border-border">
              <th scope="col" className="py-1 pr-3 text-left font-medium text-muted-foreground">
                Week
              </th>
              {stats.detectors.map((d) => (
                <th
                  key={d.detector ?? 'other'}
                  scope="col"
                  className="py-1 pr-3 text-right font-medium whitespace-nowrap text-muted-foreground"
                >
                  {detectorLabel(d.detector)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {weeks.map((week, row) => {
              const index = weeks.length - 1 - row;
              return (
                <tr key={week.weekStart} className="border-b border-border/60 last:border-0">
                  <th scope="row" className="py-1 pr-3 text-left font-normal whitespace-nowrap">
                    {formatWeek(week.weekStart)}
                  </th>
                  {stats.detectors.map((d) => {
                    const w = d.weeks[index]!;
                    return (
                      <td key={d.detector ?? 'other'} className="py-1 pr-3 text-right whitespace-nowrap">
                        {w.accepted + w.dismissed === 0 ? (
                          <>
                            <span aria-hidden className="text-muted-foreground">
                              –
                            </span>
                            <span className="sr-only">none</span>
                          </>
                        ) : (
                          `${w.accepted} of ${w.accepted + w.dismissed}`
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
