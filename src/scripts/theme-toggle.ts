// The header's theme toggle: system → light → dark. The choice is applied as `data-theme` on
// <html> (the stylesheet does the rest) and kept in localStorage, where the inline boot script
// in the layout's head reads it before the next page's first paint.
import { THEME_STORAGE_KEY, nextThemeChoice, themeChoiceOf, type ThemeChoice } from '../lib/shared/browser.ts';

/** The choice the page shows now, read from <html> (set by the boot script or by a press). */
function currentChoice(): ThemeChoice {
  return themeChoiceOf(document.documentElement.dataset.theme);
}

/** Shows a choice: `system` is no attribute at all, so `prefers-color-scheme` decides. */
function applyChoice(choice: ThemeChoice): void {
  if (choice === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
}

/** Keeps a choice for the next pages; storage may be disabled, and then the choice lasts for this page. */
function storeChoice(choice: ThemeChoice): void {
  try {
    if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Nothing to do: the page already shows the choice.
  }
}

/** Wires the toggle, and follows a choice made in another tab of the same site. */
export function wireThemeToggle(): void {
  document.querySelector<HTMLButtonElement>('#theme-toggle')?.addEventListener('click', () => {
    const next = nextThemeChoice(currentChoice());
    applyChoice(next);
    storeChoice(next);
  });
  window.addEventListener('storage', (event) => {
    if (event.key === THEME_STORAGE_KEY || event.key === null) applyChoice(themeChoiceOf(event.newValue));
  });
}
