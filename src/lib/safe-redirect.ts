/** Only paths of this site: `/console/x` yes; `//evil.example`, `https://…` or `javascript:` never. */
export function safeReturnPath(value: string | undefined | null, fallback = '/console'): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  return value;
}
