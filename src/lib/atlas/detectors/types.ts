import type { AtlasDetector, RecommendationTargetType } from '../../domain';

/** A value a reason cites, as stored in the recommendation's metadata (JSON). */
export type EvidenceFigure =
  number | string | boolean | null | readonly EvidenceFigure[] | { readonly [key: string]: EvidenceFigure };

/** What a recommendation's reason rests on: the ids it cites and its numbers, with the formula inputs. */
export interface RecommendationEvidence {
  /** Participants the reason cites; a participant target comes first. */
  participantIds: string[];
  /** Relationships the reason cites. */
  relationshipIds: string[];
  figures: Record<string, EvidenceFigure>;
}

/** One recommendation a detector proposes; syncRecommendations decides whether it is stored. */
export interface RecommendationCandidate {
  detector: AtlasDetector;
  targetType: Exclude<RecommendationTargetType, 'segment'>;
  /** A participant or relationship id; for a community, its anchor participant's id. */
  targetId: string;
  /** Always the detector's own action (decision 020). */
  suggestedAction: AtlasDetector;
  /** Plain language, citing the numbers behind it. */
  reason: string;
  /** 0..1, from the formula documented beside the detector, rounded to three decimals. */
  confidence: number;
  evidence: RecommendationEvidence;
}

/** What the detectors read beyond the analysis: the org's thresholds and the output cap. */
export interface DetectorOptions {
  /** Joined within this many days: new (the org's segment setting). */
  newDays: number;
  /** Active within this many days: active; beyond, at risk (the org's segment setting). */
  activeDays: number;
  /** No activity for this many days, or never: dormant (the org's segment setting). */
  dormantDays: number;
  /** The most candidates one detector returns, the most confident first. */
  maxPerDetector: number;
}
