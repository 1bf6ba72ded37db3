import { describe, expect, it } from 'vitest';
import { renderLogHtml, type LogLine } from '../../../src/lib/runs/index.ts';

const line = (text: string, stream: LogLine['stream'] = 'stdout', seq = 1): LogLine => ({ runId: 'r', seq, stream, text, at: '2026-12-01T00:00:00.000Z' });

describe('renderLogHtml', () => {
  it('colours the basic ANSI codes and the defaults with the stylesheet\'s log palette', () => {
    const html = renderLogHtml([line('\x1b[34mblue\x1b[0m \x1b[91mbright red\x1b[39m\x1b[49m \x1b[30;47mblack on white\x1b[0m')]);
    const styles = [...html.matchAll(/style="([^"]*)"/g)].map((match) => match[1]);
    expect(styles).toEqual(['color:var(--ansi-4)', 'color:var(--ansi-9)', 'color:var(--log-fg)', 'background-color:var(--log-bg)', 'color:var(--ansi-0)', 'background-color:var(--ansi-7)']);
    expect(html.replace(/<[^>]+>/g, '')).toBe('blue bright red black on white\n');
  });

  it('keeps the 256-colour and RGB codes as the program asked, and escapes the text first', () => {
    const html = renderLogHtml([line('\x1b[38;5;208m<b>orange</b>\x1b[0m', 'stderr')]);
    expect(html).toBe('<span class="log-line log-stderr"><span style="color:#ff8700">&lt;b&gt;orange&lt;/b&gt;</span>\n</span>');
  });
});
