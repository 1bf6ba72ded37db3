import { h } from 'hastscript';
import type { ElementContent } from 'hast';
import type { CodeBlockDecorator } from '../markdown/index.ts';
import type { ProcedureBlock } from './procedure-catalog.ts';
import { SHELL_LANGUAGES } from './classify-block.ts';
import { describeStep, stepLabel } from './describe-step.ts';
import { blockAnchor, blockIdParts } from './block-identity.ts';
import { fixtureLayoutTable } from './fixture-layout.ts';
import { assertionLabel } from '../checks/index.ts';
import type { ResolvedCitation } from '../checks/index.ts';
import type { CheckStep } from '../checks/index.ts';

/**
 * Markup around each fenced block of a doc: a Run form and an output panel for runnable
 * blocks, the reason and a copy button for shell blocks that must be run by hand, and a
 * copy button for everything else. The page's script wires the buttons to the API.
 */
export function procedureDecorator(blocks: ProcedureBlock[], resolveCitation: (text: string) => ResolvedCitation): CodeBlockDecorator {
  return (info) => {
    const block = blocks[info.index];
    if (!block) return null;
    const copy = h('button', { type: 'button', className: ['copy-button'], title: 'Copy to clipboard' }, 'Copy');
    const isShell = SHELL_LANGUAGES.includes((block.lang ?? '').toLowerCase());
    const attributes = { id: blockAnchor(block.id), dataBlockId: block.id, dataBlockHash: block.hash };
    if (block.kind === 'fixture' || block.kind === 'schema') {
      const className = ['code-block', 'declaration', block.kind, ...(block.reason ? ['broken'] : [])];
      const layout = block.kind === 'fixture' && !block.reason ? fixtureLayoutTable(block.source, (block.line ?? 0) + 1) : null;
      return { attributes: { ...attributes, className }, before: [declarationBar(block, copy)], ...(layout ? { after: [layout] } : {}) };
    }
    if (block.runnable) {
      const step = block.steps[0];
      const assertions = step?.kind === 'check' ? [assertionList(step, resolveCitation)] : [];
      const className = ['code-block', 'procedure', 'runnable', ...(block.kind === 'check' ? ['check'] : [])];
      return { attributes: { ...attributes, className }, before: [runBar(block, copy)], after: [...assertions, outputPanel()] };
    }
    if (isShell || block.kind === 'check') {
      const bar = h('div', { className: ['block-bar'] }, [
        h('span', { className: ['manual-badge'] }, 'manual step'),
        h('span', { className: ['manual-reason'] }, block.reason ?? ''),
        copy,
      ]);
      return { attributes: { ...attributes, className: ['code-block', 'procedure', 'manual'] }, before: [bar] };
    }
    return { before: [h('div', { className: ['block-bar', 'quiet'] }, [copy])] };
  };
}

/**
 * The label over a fixture or schema block: what it is, how a check cites it, and, when it is
 * broken, why; checks that cite a broken block say the same in their own reason.
 */
function declarationBar(block: ProcedureBlock, copy: ElementContent): ElementContent {
  const name = typeof block.annotations.name === 'string' ? block.annotations.name : null;
  const ref = name ? `${block.docId}#${name}` : null;
  const what = block.kind === 'fixture' ? 'fixture: a file layout checks start from' : 'JSON Schema (draft 2020-12)';
  const cite = block.kind === 'fixture' ? 'use:' : 'schema:';
  return h('div', { className: ['block-bar', 'declaration-bar'] }, [
    h('span', { className: ['declaration-badge'] }, block.kind),
    ...(name ? [h('span', { className: ['block-name'] }, name)] : []),
    h('span', { className: ['declaration-what'] }, what),
    ...(ref ? [h('span', { className: ['declaration-cite'] }, [`checks cite it with `, h('code', `${cite} ${ref}`)])] : []),
    ...(block.kind === 'schema' && name ? [h('a', { className: ['declaration-users'], href: `#validated-by-${name}` }, 'validated by')] : []),
    ...(block.reason ? [h('span', { className: ['manual-reason', 'declaration-problem'] }, block.reason)] : []),
    copy,
  ]);
}

function runBar(block: ProcedureBlock, copy: ElementContent): ElementContent {
  const name = typeof block.annotations.name === 'string' ? block.annotations.name : blockIdParts(block.id).local;
  const fields: ElementContent[] = block.variables.map((variable) =>
    h('label', { className: ['run-var'] }, [
      h('span', variable.name),
      h('input', { name: variable.name, value: variable.default, 'data-default': variable.default, spellcheck: 'false', title: variable.description ?? '' }),
    ]),
  );
  const targets = block.system?.targets ?? [];
  if (targets.length > 1) {
    fields.push(h('label', { className: ['run-var'] }, [h('span', 'target'), h('select', { name: '__target' }, targets.map((t) => h('option', { value: t }, t)))]));
  }
  return h('div', { className: ['block-bar'] }, [
    h('span', { className: ['block-name'] }, name),
    h('span', { className: ['block-steps'], title: block.steps.map(describeStep).join('\n') }, block.steps.map(stepLabel).join(' → ')),
    h('form', { className: ['run-form'] }, [
      ...(fields.length > 0 ? [h('details', { className: ['run-vars'] }, [h('summary', 'variables'), ...fields])] : []),
      h('button', { type: 'submit', className: ['run-button'], dataNeedsOperator: '' }, 'Run'),
    ]),
    copy,
  ]);
}

/** The check's expectations, each with its cited clause and a slot for the verdict. */
function assertionList(step: CheckStep, resolveCitation: (text: string) => ResolvedCitation): ElementContent {
  return h('ol', { className: ['assertions'] }, step.spec.expect.map((assertion, index) => {
    const citation = assertion.because ? resolveCitation(assertion.because) : null;
    return h('li', { className: ['assertion'], 'data-index': String(index) }, [
      h('span', { className: ['verdict'], 'data-status': 'pending' }, '·'),
      h('span', { className: ['assertion-label'] }, assertionLabel(assertion)),
      ...(citation ? [citationLink(citation)] : []),
      h('span', { className: ['assertion-detail'] }),
    ]);
  }));
}

function citationLink(citation: ResolvedCitation): ElementContent {
  if (citation.href && !citation.problem) return h('a', { className: ['citation', 'doc-link'], href: citation.href }, citation.text);
  return h('span', { className: ['citation', 'broken-link'], title: `Broken citation: ${citation.problem}` }, citation.text);
}

function outputPanel(): ElementContent {
  return h('div', { className: ['run-panel'], hidden: true }, [
    h('div', { className: ['run-head'] }, [
      h('span', { className: ['run-state'], 'data-status': 'queued' }, 'queued'),
      h('span', { className: ['run-note'] }),
      h('a', { className: ['run-link'], href: '#' }, 'permalink'),
      h('button', { type: 'button', className: ['cancel-button'], dataNeedsOperator: '' }, 'Cancel'),
    ]),
    h('pre', { className: ['run-output'], 'aria-live': 'polite' }),
  ]);
}
