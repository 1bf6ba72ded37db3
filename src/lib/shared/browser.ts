// What the page scripts may import from shared as values: plain formatting with no imports.
export { formatAge, formatNextIn } from './format-age.ts';
export { formatDuration } from './format-duration.ts';
