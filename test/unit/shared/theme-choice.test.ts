import { describe, expect, it } from 'vitest';
import { THEME_CHOICES, nextThemeChoice, themeChoiceOf } from '../../../src/lib/shared/index.ts';

describe('the theme choice', () => {
  it('cycles system → light → dark → system', () => {
    expect(THEME_CHOICES.map(nextThemeChoice)).toEqual(['light', 'dark', 'system']);
  });

  it('reads a stored value, taking anything but light or dark as system', () => {
    expect(['light', 'dark', null, undefined, '', 'DARK', 'sepia', 'system'].map(themeChoiceOf)).toEqual(['light', 'dark', 'system', 'system', 'system', 'system', 'system', 'system']);
  });
});
