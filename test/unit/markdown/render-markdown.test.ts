import { beforeAll, describe, expect, it } from 'vitest';
import { createMarkdownRenderer, type MarkdownRenderer } from '../../../src/lib/markdown/render-markdown.ts';
import { rehypeLinkReferences, type ReferenceLinker } from '../../../src/lib/docs/link-references.ts';

let renderer: MarkdownRenderer;
beforeAll(async () => {
  renderer = await createMarkdownRenderer();
});

const linker: ReferenceLinker = {
  matchIds: (text) => [...text.matchAll(/ADR-\d{4}/g)].map((m) => ({ id: m[0], start: m.index, end: m.index + m[0].length })),
  resolve: (kind, target) =>
    target === 'ADR-0013' || target.split('#')[0]!.endsWith('adr-0013.md') ? { kind: 'doc', id: 'ADR-0013', anchor: target.includes('#') ? 'why' : null } : { kind: 'broken', reason: `no doc has id '${target}'` },
  hrefForDoc: (id, anchor) => `/docs/${id}${anchor ? `#${anchor}` : ''}`,
  hrefForRepository: () => null,
  hrefForFolder: (folder) => `/?folder=${folder}`,
};

const render = (markdown: string) => renderer.render(markdown, { transformTree: rehypeLinkReferences(linker) });

describe('renderMarkdown', () => {
  it('renders GFM tables', async () => {
    const { html } = await render('| a | b |\n| - | - |\n| 1 | 2 |\n');
    expect(html).toContain('<table>');
    expect(html).toContain('<td>2</td>');
  });

  it('highlights code and gives headings anchors and a table of contents', async () => {
    const { html, toc } = await render('## Build it\n\n### Then run\n\n```bash\ndocker build .\n```\n');
    expect(html).toContain('<h2 id="build-it">Build it<a class="heading-anchor"');
    // Both themes are in the HTML: light colours as `color`, dark ones as `--shiki-dark`.
    expect(html).toContain('class="shiki shiki-themes github-light-default github-dark-default"');
    expect(html).toMatch(/<pre class="shiki[^"]*" style="background-color:#fff(fff)?;--shiki-dark-bg:#0d1117;/i);
    expect(html).toMatch(/<span style="color:#[0-9A-F]{6};--shiki-dark:#[0-9A-F]{6}">docker<\/span>/i);
    expect(toc).toEqual([
      { depth: 2, id: 'build-it', text: 'Build it' },
      { depth: 3, id: 'then-run', text: 'Then run' },
    ]);
  });

  it('links known ids and marks unknown ones broken, but leaves code alone', async () => {
    const { html } = await render('See ADR-0013 and ADR-0099, not `ADR-0013`.\n');
    expect(html).toContain('<a href="/docs/ADR-0013" class="doc-link">ADR-0013</a>');
    expect(html).toContain('<span class="broken-link" title="Broken link to ADR-0099: no doc has id &#x27;ADR-0099&#x27;">ADR-0099</span>');
    expect(html).toContain('<code>ADR-0013</code>');
  });

  it('points .md links at doc pages and marks missing files broken', async () => {
    const { html } = await render('[why](../adr/adr-0013.md#why) and [gone](./gone.md)\n');
    expect(html).toContain('<a href="/docs/ADR-0013#why" class="doc-link">why</a>');
    expect(html).toContain('<span class="broken-link" title="Broken link: no doc has id &#x27;./gone.md&#x27;">gone</span>');
  });

  it('strips script, event handlers and javascript: URLs from raw HTML', async () => {
    const { html } = await render(
      '<script>alert(1)</script>\n\n<img src="x.png" onerror="alert(2)">\n\n<a href="javascript:alert(3)">x</a>\n\n<div id="site-header" style="position:fixed">y</div>\n\n[z](javascript:alert(4))\n',
    );
    expect(html).not.toMatch(/<script|onerror|javascript:|style=|id="site-header"/i);
    expect(html).toContain('<img src="x.png">');
  });

  it('does not let raw HTML pose as a fenced code block', async () => {
    const { html } = await render('<pre><code data-block-nonce="guess:0">fake</code></pre>\n\n```bash\nreal\n```\n');
    expect(html.match(/class="code-block"/g)).toHaveLength(1);
    expect(html).not.toContain('data-block-nonce');
  });
});
