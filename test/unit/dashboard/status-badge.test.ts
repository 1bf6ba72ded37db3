import { describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { statusBadgeSvg, worstStatus } from '../../../src/lib/dashboard/status-badge.ts';
import type { CheckStatus } from '../../../src/lib/dashboard/check-rows.ts';

const ALL: CheckStatus[] = ['passing', 'failing', 'running', 'queued', 'maintenance', 'never run', 'unreachable', 'cancelled', 'not runnable'];

function read(svg: string) {
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg) as {
    svg: { width: string; height: string; 'aria-label': string; title: string; rect: Array<{ fill: string; width: string }>; g: { text: Array<{ '#text': string }> } };
  };
  return parsed.svg;
}

describe('statusBadgeSvg', () => {
  it('is well-formed SVG with the label and the status, as text and for screen readers', () => {
    const svg = statusBadgeSvg('contract-smoke', 'passing');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const badge = read(svg);
    expect(badge['aria-label']).toBe('contract-smoke: passing');
    expect(badge.title).toBe('contract-smoke: passing');
    expect(badge.g.text.map((t) => t['#text'])).toEqual(['contract-smoke', 'passing']);
    expect(badge.height).toBe('20');
  });

  it('colours the status part by what it means', () => {
    const colour = (status: CheckStatus | 'unknown') => read(statusBadgeSvg('x', status)).rect[1]!.fill;
    expect(colour('passing')).toBe('#1a7f37');
    expect(colour('failing')).toBe('#cf222e');
    expect(colour('unreachable')).toBe('#cf222e');
    expect(colour('running')).toBe('#9a6700');
    expect(colour('queued')).toBe('#9a6700');
    // Planned work is neither good nor bad news: blue.
    expect(colour('maintenance')).toBe('#0969da');
    expect(read(statusBadgeSvg('x', 'maintenance')).g.text.map((t) => t['#text'])).toEqual(['x', 'maintenance']);
    for (const grey of ['never run', 'cancelled', 'not runnable', 'unknown'] as const) expect(colour(grey)).toBe('#6e7781');
    expect(read(statusBadgeSvg('x', 'passing')).rect[0]!.fill).toBe('#555');
  });

  it('escapes markup in the label, in text and in attributes', () => {
    const label = `<script>alert("x")</script> & 'y'`;
    const svg = statusBadgeSvg(label, 'failing');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;y&apos;');
    const badge = read(svg);
    // Read back by an XML parser, the text is the label as given.
    expect(badge.title).toBe(`${label}: failing`);
    expect(badge['aria-label']).toBe(`${label}: failing`);
    expect(badge.g.text[0]!['#text']).toBe(label);
  });

  it('is well-formed for every status and for odd labels', () => {
    for (const status of [...ALL, 'unknown' as const]) {
      for (const label of ['a', 'RUN-x/a.b_c', 'äöü ✓', ']]>', '&amp;', '"quoted"']) {
        expect(XMLValidator.validate(statusBadgeSvg(label, status)), `${label} / ${status}`).toBe(true);
      }
    }
  });

  it('sizes both parts to their text', () => {
    const badge = read(statusBadgeSvg('probe', 'passing'));
    const [left, right] = badge.rect.map((r) => Number(r.width));
    expect(Number(badge.width)).toBe(left! + right!);
    expect(left).toBe(45);
    expect(Number(read(statusBadgeSvg('a much longer check name', 'passing')).rect[0]!.width)).toBeGreaterThan(left!);
    expect(Number(read(statusBadgeSvg('probe', 'not runnable')).rect[1]!.width)).toBeGreaterThan(right!);
  });
});

describe('worstStatus', () => {
  it('is unknown without statuses', () => {
    expect(worstStatus([])).toBe('unknown');
  });

  it('is the one status there is', () => {
    for (const status of ALL) expect(worstStatus([status])).toBe(status);
  });

  it('puts failing before unreachable before maintenance before running before queued before never run before cancelled before not runnable before passing', () => {
    const order: CheckStatus[] = ['failing', 'unreachable', 'maintenance', 'running', 'queued', 'never run', 'cancelled', 'not runnable', 'passing'];
    for (let i = 0; i < order.length; i += 1) expect(worstStatus(order.slice(i).reverse())).toBe(order[i]);
    expect(worstStatus(['passing', 'passing', 'failing'])).toBe('failing');
    expect(worstStatus(['passing', 'unreachable'])).toBe('unreachable');
    expect(worstStatus(['not runnable', 'passing'])).toBe('not runnable');
  });
});
