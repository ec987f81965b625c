import Link from 'next/link';
import type { LifecycleStage } from '../../../../../lib/domain';
import { STAGE_LABELS, stageColorVar } from '../../../../../lib/ui/stages';
import { EGO_CENTER, EGO_SIZE, egoLayout } from './ego-layout';

export interface EgoNeighbour {
  id: string;
  name: string;
  stage: LifecycleStage | null;
  /** The strongest link's confidence, 0–1: the line's opacity. */
  confidence: number;
}

const MAX_SHOWN = 24;
const short = (name: string) => (name.length > 14 ? `${name.slice(0, 13)}…` : name);
const fill = (stage: LifecycleStage | null) => (stage ? stageColorVar(stage) : 'var(--stage-none)');

/**
 * The participant and its direct neighbours, coloured by stage, as plain SVG (no graph library for a
 * picture of at most 25 nodes). Each neighbour links to its page; the full neighbourhood is in the graph.
 */
export function EgoGraph({
  name,
  stage,
  neighbours,
  orgId,
}: {
  name: string;
  stage: LifecycleStage;
  neighbours: EgoNeighbour[];
  orgId: string;
}) {
  const shown = neighbours.slice(0, MAX_SHOWN);
  const positions = egoLayout(shown.length);
  return (
    <svg
      viewBox={`0 0 ${EGO_SIZE} ${EGO_SIZE}`}
      // A group, not an image: each neighbour is a link to its page.
      role="group"
      aria-label={`${name} and ${neighbours.length} direct ${neighbours.length === 1 ? 'neighbour' : 'neighbours'}, coloured by stage`}
      className="mx-auto aspect-square w-full max-w-[22rem] overflow-visible"
    >
      {shown.map((n, i) => (
        <line
          key={`edge-${n.id}`}
          x1={EGO_CENTER.x}
          y1={EGO_CENTER.y}
          x2={positions[i]!.x}
          y2={positions[i]!.y}
          stroke="var(--edge)"
          strokeWidth={1.25}
          strokeOpacity={0.35 + 0.65 * n.confidence}
        />
      ))}
      {shown.map((n, i) => {
        const { x, y } = positions[i]!;
        const below = y >= EGO_CENTER.y;
        return (
          <Link key={n.id} href={`/console/${orgId}/participants/${n.id}`} className="group outline-none">
            <title>{`${n.name}${n.stage ? ` · ${STAGE_LABELS[n.stage]}` : ''}`}</title>
            <circle
              cx={x}
              cy={y}
              r={8}
              fill={fill(n.stage)}
              stroke="var(--color-card)"
              strokeWidth={2}
              className="transition-[r] group-hover:[r:10] group-focus-visible:stroke-[var(--color-ring)] group-focus-visible:[stroke-width:3]"
            />
            <text
              x={x}
              y={below ? y + 21 : y - 13}
              textAnchor="middle"
              className="fill-muted-foreground text-[10px] group-hover:fill-foreground group-focus-visible:fill-foreground"
            >
              {short(n.name)}
            </text>
          </Link>
        );
      })}
      <circle
        cx={EGO_CENTER.x}
        cy={EGO_CENTER.y}
        r={15}
        fill={fill(stage)}
        stroke="var(--color-foreground)"
        strokeWidth={2}
      />
      <text
        x={EGO_CENTER.x}
        y={EGO_CENTER.y + 32}
        textAnchor="middle"
        className="fill-foreground text-[11px] font-semibold"
      >
        {short(name)}
      </text>
    </svg>
  );
}
