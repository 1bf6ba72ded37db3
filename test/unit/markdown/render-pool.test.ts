import { afterAll, describe, expect, it } from 'vitest';
import { createMarkdownRenderer, createPooledMarkdownRenderer, type PooledMarkdownRenderer } from '../../../src/lib/markdown/index.ts';

// The real worker thread (src/lib/markdown/render-worker.ts, run by Node with its types stripped).
let pool: PooledMarkdownRenderer | null = null;
afterAll(async () => pool?.close());

const decorate = () => ({ before: [{ type: 'text' as const, value: 'BAR' }] });

describe('rendering in the worker pool', () => {
  it('renders exactly what the in-thread pipeline renders, decorations and links included', async () => {
    pool = await createPooledMarkdownRenderer({ timeoutMs: 10_000 });
    const body = '# Title\n\nText with `inline` and a [link](x.md).\n\n```bash { name=hi }\necho hi\n```\n\n## Second\n\n<div data-block-nonce="forged:0"><pre><code>raw</code></pre></div>\n';
    const options = { decorateCodeBlock: decorate, transformTree: () => {} };
    const pooled = await pool.render(body, options);
    const local = await (await createMarkdownRenderer()).render(body, options);
    expect(pooled.problem).toBeNull();
    expect(pooled.html.replace(/[0-9a-f]{24}/g, 'N')).toBe(local.html.replace(/[0-9a-f]{24}/g, 'N'));
    expect(pooled.toc).toEqual(local.toc);
    expect(pooled.html.match(/BAR/g)).toHaveLength(1); // raw HTML posing as a block gets no decoration
    expect(pooled.html).not.toContain('data-block-nonce');
  });

  it('answers an error box for a body past a nesting limit, without parsing it', async () => {
    pool ??= await createPooledMarkdownRenderer({ timeoutMs: 10_000 });
    const rendered = await pool.render(`${'>'.repeat(5_000)} x`, {});
    expect(rendered).toEqual({ html: '', segments: [], toc: [], problem: 'This doc could not be rendered: it nests block quotes 5,000 deep; the limit is 100.' });
  });

  it('stops a render that takes longer than its budget, and renders the next body in a fresh worker', async () => {
    const tight = await createPooledMarkdownRenderer({ timeoutMs: 300 });
    try {
      await tight.render('# warm\n', {}); // the first render waits for the highlighter, outside the budget
      const slow = 'Paragraph with *emphasis*, `code` and a [link](x.md) to fill the body.\n\n'.repeat(8_000);
      const started = performance.now();
      const rendered = await tight.render(slow, {});
      expect(rendered.problem).toMatch(/^This doc could not be rendered: rendering (took longer than 0\.3 s, the limit \(docs\.render_timeout_ms\), and was stopped|needed more than 64 MB of memory)/);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect((await tight.render('# After\n', {})).html).toContain('After');
    } finally {
      await tight.close();
    }
  });
});
