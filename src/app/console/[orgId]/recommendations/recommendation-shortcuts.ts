// The inbox's keyboard shortcuts: which key does what, and when a key press is not one (typing in a
// field, a dialog open, a modifier held for the browser's or the palette's own shortcuts).

export type ShortcutAction = 'next' | 'previous' | 'accept' | 'dismiss' | 'toggleSelection' | 'help';

export const SHORTCUTS: readonly {
  keys: string[];
  action: ShortcutAction;
  label: string;
  decides: boolean;
}[] = [
  { keys: ['j'], action: 'next', label: 'Next card', decides: false },
  { keys: ['k'], action: 'previous', label: 'Previous card', decides: false },
  { keys: ['x'], action: 'toggleSelection', label: 'Select or unselect the card', decides: true },
  { keys: ['a'], action: 'accept', label: 'Accept (the selected cards, or this one)', decides: true },
  { keys: ['d'], action: 'dismiss', label: 'Dismiss with a reason', decides: true },
  { keys: ['?'], action: 'help', label: 'Show these shortcuts', decides: false },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  isComposing?: boolean;
  defaultPrevented?: boolean;
  /** The element the key was pressed in. */
  target: EventTarget | null;
}

const TYPING_ROLES = new Set(['textbox', 'combobox', 'searchbox', 'spinbutton']);

/** Whether keys pressed in `target` are text being typed (a field, an editable region, a listbox). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).closest !== 'function') return false;
  const element = target as HTMLElement;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (element as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  if (element.isContentEditable) return true;
  const role = element.getAttribute('role');
  return role !== null && TYPING_ROLES.has(role);
}

/**
 * The action of a key press on the inbox, or null when it is not a shortcut here: modified keys, keys
 * typed into a field or inside an open dialog, and — for someone who may not decide — a, d and x.
 */
export function shortcutFor(press: KeyPress, options: { canDecide: boolean }): ShortcutAction | null {
  if (press.defaultPrevented || press.isComposing) return null;
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (isTypingTarget(press.target)) return null;
  const target = press.target as Element | null;
  if (
    target &&
    typeof target.closest === 'function' &&
    target.closest('[role="dialog"],[role="alertdialog"]')
  ) {
    return null;
  }
  const shortcut = SHORTCUTS.find((s) => s.keys.includes(press.key));
  if (!shortcut) return null;
  if (shortcut.decides && !options.canDecide) return null;
  return shortcut.action;
}
