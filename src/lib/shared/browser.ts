// What the page scripts may import from shared as values: plain formatting and the theme choice, with no imports.
export { formatAge, formatNextIn } from './format-age.ts';
export { formatDuration } from './format-duration.ts';
export { THEME_STORAGE_KEY, nextThemeChoice, themeChoiceOf, type ThemeChoice } from './theme-choice.ts';
