import { createHash } from 'node:crypto';
import { THEME_STORAGE_KEY } from '../shared/index.ts';

/**
 * The one inline script a page carries, first thing in its head: it applies the reader's
 * stored theme (`data-theme` on `<html>`) before the first paint, so a forced theme never
 * flashes the other one. A bundled module script would run only after the page is parsed.
 * localStorage can throw (storage disabled), and then the page simply follows the system.
 */
export const THEME_BOOT_SCRIPT = `try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

/**
 * The script's CSP source (`sha256-…`): astro.config.mjs adds it to every Astro page's
 * `script-src`, and the hand-written pages' policy names it, so this script and no other
 * inline one runs.
 */
export const THEME_BOOT_SCRIPT_HASH: `sha256-${string}` = `sha256-${createHash('sha256').update(THEME_BOOT_SCRIPT, 'utf8').digest('base64')}`;

/** The script as a `<script>` element, for the pages written by hand outside Astro. */
export const THEME_BOOT_SCRIPT_TAG = `<script>${THEME_BOOT_SCRIPT}</script>`;
