/**
 * How ansi-to-html colours a run's log, in both the stored log (`renderLogHtml`) and the live
 * panel: the sixteen basic ANSI colours, the default foreground (code 39) and background
 * (code 49) are CSS custom properties, so the palette lives in the stylesheet beside the
 * log panel's background and every colour stays readable on it (the library's own palette
 * puts `#00A` blue on black). The 256-colour and RGB codes keep the colours the program asked for.
 */
export const ANSI_LOG_COLOURS = {
  fg: 'var(--log-fg)',
  bg: 'var(--log-bg)',
  colors: Object.fromEntries(Array.from({ length: 16 }, (_, code) => [code, `var(--ansi-${code})`])),
} as const;
