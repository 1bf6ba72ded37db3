import { chromium, type Browser, type Page } from 'playwright-core';

/** The flags this machine needs: no sandbox as root, and no calls home on a closed network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian's Chromium; tests never download a browser of their own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Signs a page in through the sign-in URL, as a person opening the printed link would: the
 * server sets its session cookie and redirects to the same page without the token. With no
 * token given, the server's admin token is used.
 */
export async function signIn(page: Page, server: { url: string; token: string | null }, token: string | null = server.token): Promise<void> {
  if (!token) throw new Error('signIn: this server has no known token; pass one');
  const response = await page.goto(`${server.url}/?token=${encodeURIComponent(token)}`);
  if (!response?.ok() || page.url().includes('token=')) throw new Error(`signing in failed: ${response?.status()} at ${page.url()}`);
}

/** One CSP violation a page saw: the directive that refused something, and what it refused (`inline` for inline code). */
export interface CspViolation {
  directive: string;
  blocked: string;
}

/**
 * Records every `securitypolicyviolation` the page sees from before its first script runs, on
 * every document it loads; `violations()` reads the current document's list.
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<CspViolation[]>> {
  await page.addInitScript(() => {
    const seen: Array<{ directive: string; blocked: string }> = [];
    (window as unknown as { __violations: typeof seen }).__violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push({ directive: event.effectiveDirective, blocked: event.blockedURI }));
  });
  return () => page.evaluate(() => (window as unknown as { __violations: CspViolation[] }).__violations);
}
