/** The headers every change from a page sends: JSON, and the session's CSRF token the layout renders. */
export function changeHeaders(json = true): Record<string, string> {
  const token = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
  return { ...(json ? { 'content-type': 'application/json' } : {}), 'x-csrf-token': token };
}
