/**
 * The colour theme a reader picked with the header's toggle: `system` follows the browser's
 * `prefers-color-scheme`, `light` and `dark` force one. Kept in the browser's localStorage
 * only; the server never sees it, so cached pages stay the same for every reader.
 */
export const THEME_CHOICES = ['system', 'light', 'dark'] as const;

/** One of THEME_CHOICES. */
export type ThemeChoice = (typeof THEME_CHOICES)[number];

/** The localStorage key the choice is kept under; `system` is kept as no entry at all. */
export const THEME_STORAGE_KEY = 'runbook-live-theme';

/** A stored value as a choice: anything but `light` or `dark` (missing, edited by hand) means `system`. */
export function themeChoiceOf(stored: string | null | undefined): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** The choice one press of the toggle moves to: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]!;
}
