const number = new Intl.NumberFormat('en');

/**
 * A community's name for people: its most central members' names, most central first, and how many
 * others it has — "Ava Moreno, Hiro Sato and 118 others"; a community of two or three is named in full.
 * `names` are the central members still known (a member erased since the run is left out); a community
 * with none of them named (only automated accounts) is described by its size.
 */
export function communityLabel(names: readonly string[], size: number): string {
  const known = names.filter((name) => name.trim() !== '');
  if (known.length === 0) return size === 1 ? '1 participant' : `${number.format(size)} participants`;
  if (known.length >= size) return joinNames(known.slice(0, size));
  const shown = known.slice(0, 2);
  const others = size - shown.length;
  return `${shown.join(', ')} and ${number.format(others)} ${others === 1 ? 'other' : 'others'}`;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
