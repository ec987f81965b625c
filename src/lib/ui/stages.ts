import { LIFECYCLE_STAGES, type LifecycleStage } from '../domain';

// One colour per lifecycle stage, everywhere (badges, charts, graph nodes). The colours themselves are
// the CSS tokens --stage-* in src/app/globals.css (light and dark); this module names them.

export const STAGE_LABELS: Record<LifecycleStage, string> = {
  new: 'New',
  active: 'Active',
  at_risk: 'At risk',
  dormant: 'Dormant',
};

/** The CSS custom property holding a stage's colour, e.g. for SVG fills: `var(--stage-at_risk)`. */
export function stageColorVar(stage: LifecycleStage): string {
  return `var(--stage-${stage})`;
}

/** Tailwind classes for the stage's dot or fill (spelled out so Tailwind's scanner finds them). */
export const STAGE_DOT_CLASS: Record<LifecycleStage, string> = {
  new: 'bg-stage-new',
  active: 'bg-stage-active',
  at_risk: 'bg-stage-at_risk',
  dormant: 'bg-stage-dormant',
};

/**
 * The stage colours as the browser resolves them now (light or dark), for renderers that cannot read
 * CSS variables (WebGL). Call again after a theme change.
 */
export function resolveStageColors(
  element: Element = document.documentElement,
): Record<LifecycleStage, string> {
  const style = getComputedStyle(element);
  return Object.fromEntries(
    LIFECYCLE_STAGES.map((stage) => [stage, style.getPropertyValue(`--stage-${stage}`).trim()]),
  ) as Record<LifecycleStage, string>;
}

export function isLifecycleStage(value: string): value is LifecycleStage {
  return (LIFECYCLE_STAGES as readonly string[]).includes(value);
}
