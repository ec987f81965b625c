import { resolveStageColors } from '../../lib/ui/stages';
import type { GraphPalette } from './graph-model';

// WebGL cannot read CSS variables: the canvas gets the theme's tokens as hex values, read again when
// the theme changes (the `dark` class on <html>).

function token(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const value = style.getPropertyValue(name).trim();
  return /^#[0-9a-f]{6}$/i.test(value) ? value : fallback;
}

export function resolveGraphPalette(element: Element = document.documentElement): GraphPalette {
  const style = getComputedStyle(element);
  const dark = element.classList.contains('dark');
  return {
    stage: resolveStageColors(element),
    chart: [
      token(style, '--chart-1', '#2f6fe0'),
      token(style, '--chart-2', '#15915a'),
      token(style, '--chart-3', '#d97706'),
      token(style, '--chart-4', '#8b5cf6'),
      token(style, '--chart-5', '#db2777'),
    ],
    muted: token(style, '--stage-none', dark ? '#5d6570' : '#a1a8b3'),
    edge: token(style, '--edge', dark ? '#4a515b' : '#b9bec6'),
    background: token(style, '--background', dark ? '#0f1114' : '#ffffff'),
    foreground: token(style, '--foreground', dark ? '#e7e9ec' : '#17191c'),
  };
}

/** Calls `onChange` whenever the theme class of <html> changes; returns the unsubscribe. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class'] });
  return () => observer.disconnect();
}
