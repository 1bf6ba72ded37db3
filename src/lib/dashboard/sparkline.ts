/**
 * Vertical marks, as one SVG path, at each point whose run ran a different definition of
 * the check than the point before it (its block hash changed), in the same box as `sparklinePath`.
 */
export function sparklineChanges(hashes: string[], width = 80, height = 18): string {
  const step = hashes.length > 1 ? width / (hashes.length - 1) : 0;
  return hashes
    .flatMap((hash, i) => (i > 0 && hash !== hashes[i - 1] ? [`M${(i * step).toFixed(1)},0 V${height}`] : []))
    .join(' ');
}

/** An SVG path through the values, scaled into a width × height box (y grows downwards). */
export function sparklinePath(values: number[], width = 80, height = 18): string {
  if (values.length === 0) return '';
  const max = Math.max(...values);
  const min = Math.min(...values);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((value, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)},${(height - 1 - ((value - min) / span) * (height - 2)).toFixed(1)}`)
    .join(' ');
}
