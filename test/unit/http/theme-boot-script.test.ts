import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { HAND_WRITTEN_PAGE_CSP, THEME_BOOT_SCRIPT, THEME_BOOT_SCRIPT_HASH, THEME_BOOT_SCRIPT_TAG, authRefusal, handWrittenPage, signInPageHtml } from '../../../src/lib/http/index.ts';

describe('the theme boot script', () => {
  it('is named by the hash of its exact text, which the hand-written pages\' policy allows and nothing else', () => {
    expect(THEME_BOOT_SCRIPT_HASH).toBe(`sha256-${createHash('sha256').update(THEME_BOOT_SCRIPT).digest('base64')}`);
    expect(HAND_WRITTEN_PAGE_CSP).toContain(`script-src '${THEME_BOOT_SCRIPT_HASH}';`);
    expect(HAND_WRITTEN_PAGE_CSP).not.toMatch(/unsafe-inline|script-src[^;]*'self'/);
  });

  it('reads the stored choice and sets data-theme only for light or dark, surviving disabled storage', () => {
    const root = { dataset: {} as Record<string, string> };
    const run = (stored: string | null, throws = false) => {
      root.dataset = {};
      const localStorage = { getItem: (key: string) => { if (throws) throw new Error('disabled'); return key === 'runbook-live-theme' ? stored : null; } };
      new Function('localStorage', 'document', THEME_BOOT_SCRIPT)(localStorage, { documentElement: root });
      return root.dataset.theme ?? null;
    };
    expect([run('dark'), run('light'), run('sepia'), run(null), run('dark', true)]).toEqual(['dark', 'light', null, null, null]);
  });

  it('comes first in the head of the sign-in and not-allowed pages, before the stylesheet', async () => {
    const notAllowed = authRefusal(new Request('http://x/audit', { headers: { accept: 'text/html' } }), new URL('http://x/audit'), 403, 'RoleRequired', 'viewers may not read the audit log');
    for (const html of [signInPageHtml(null), signInPageHtml('signed out')]) expect(html).toMatch(new RegExp(`<title>[^<]*</title>${escapeRegex(THEME_BOOT_SCRIPT_TAG)}<link rel="stylesheet"`));
    expect(await notAllowed.text()).toContain(`</title>${THEME_BOOT_SCRIPT_TAG}<link rel="stylesheet"`);
    expect(notAllowed.headers.get('content-security-policy')).toBe(HAND_WRITTEN_PAGE_CSP);
    expect(handWrittenPage('<p>x</p>').headers.get('content-security-policy')).toBe(HAND_WRITTEN_PAGE_CSP);
  });
});

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
