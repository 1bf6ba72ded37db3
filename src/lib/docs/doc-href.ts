/** The URL of a doc page, optionally at one of its sections. */
export function docHref(id: string, anchor: string | null = null): string {
  return `/docs/${encodeURIComponent(id)}${anchor ? `#${encodeURIComponent(anchor)}` : ''}`;
}
