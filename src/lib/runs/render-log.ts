import AnsiToHtml from 'ansi-to-html';
import type { LogLine } from './run-record.ts';
import { ANSI_LOG_COLOURS } from './log-colours.ts';

/**
 * A stored log as HTML: text escaped first, then ANSI colours turned into spans, so
 * container output can colour the page but never put markup in it.
 */
export function renderLogHtml(lines: LogLine[]): string {
  const ansi = new AnsiToHtml({ ...ANSI_LOG_COLOURS, escapeXML: true, stream: true });
  return lines.map((line) => `<span class="log-line log-${line.stream}">${ansi.toHtml(line.text)}\n</span>`).join('');
}
