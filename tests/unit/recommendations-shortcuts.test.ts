import { describe, expect, it } from 'vitest';
import {
  isTypingTarget,
  shortcutFor,
  type KeyPress,
} from '../../src/app/console/[orgId]/recommendations/recommendation-shortcuts';

// Just enough of a DOM element for the checks (the unit tests run without a browser).
function element(
  tag: string,
  attributes: Record<string, string> = {},
  options: { inDialog?: boolean; editable?: boolean } = {},
) {
  return {
    tagName: tag.toUpperCase(),
    type: attributes.type ?? 'text',
    isContentEditable: options.editable ?? false,
    getAttribute: (name: string) => attributes[name] ?? null,
    closest: (selector: string) => (options.inDialog && selector.includes('dialog') ? {} : null),
  } as unknown as EventTarget;
}

const press = (
  key: string,
  target: EventTarget | null = element('article'),
  extra: Partial<KeyPress> = {},
): KeyPress => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
  ...extra,
});

const operator = { canDecide: true };
const viewer = { canDecide: false };

describe('inbox keyboard shortcuts', () => {
  it('maps j, k, x, a, d and ? on a card or the page', () => {
    expect(['j', 'k', 'x', 'a', 'd', '?'].map((key) => shortcutFor(press(key), operator))).toEqual([
      'next',
      'previous',
      'toggleSelection',
      'accept',
      'dismiss',
      'help',
    ]);
    expect(shortcutFor(press('a', element('button')), operator)).toBe('accept');
    expect(shortcutFor(press('j', element('input', { type: 'checkbox' })), operator)).toBe('next');
    expect(shortcutFor(press('q'), operator)).toBeNull();
  });

  it('never fires while typing in a field', () => {
    for (const target of [
      element('input'),
      element('input', { type: 'search' }),
      element('textarea'),
      element('select'),
      element('div', {}, { editable: true }),
      element('div', { role: 'combobox' }),
    ]) {
      expect(isTypingTarget(target)).toBe(true);
      expect(shortcutFor(press('a', target), operator)).toBeNull();
      expect(shortcutFor(press('j', target), operator)).toBeNull();
    }
  });

  it('leaves modified keys to the browser and the palette, and keys in a dialog to the dialog', () => {
    expect(shortcutFor(press('k', undefined, { metaKey: true }), operator)).toBeNull();
    expect(shortcutFor(press('k', undefined, { ctrlKey: true }), operator)).toBeNull();
    expect(shortcutFor(press('d', undefined, { altKey: true }), operator)).toBeNull();
    expect(shortcutFor(press('d', undefined, { isComposing: true }), operator)).toBeNull();
    expect(shortcutFor(press('d', undefined, { defaultPrevented: true }), operator)).toBeNull();
    expect(shortcutFor(press('a', element('button', {}, { inDialog: true })), operator)).toBeNull();
  });

  it('gives someone who may not decide only the keys that move', () => {
    expect(shortcutFor(press('a'), viewer)).toBeNull();
    expect(shortcutFor(press('d'), viewer)).toBeNull();
    expect(shortcutFor(press('x'), viewer)).toBeNull();
    expect(shortcutFor(press('j'), viewer)).toBe('next');
    expect(shortcutFor(press('?'), viewer)).toBe('help');
  });
});
