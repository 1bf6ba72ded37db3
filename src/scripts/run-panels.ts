// Browser side of the Run buttons: posts the block's id and hash (never a command), then
// follows the run's Server-Sent Events into the panel under the block.
import AnsiToHtml from 'ansi-to-html';
import { changeHeaders } from './csrf.ts';
import type { RunFrames, RunRecord } from '../lib/runs/index.ts';
import { ANSI_LOG_COLOURS, isFinal } from '../lib/runs/browser.ts';

/** Handles one kind of frame of a run's stream; the server builds them from the same types. */
function on<Name extends keyof RunFrames & string>(source: EventSource, name: Name, handle: (data: RunFrames[Name]) => void): void {
  source.addEventListener(name, (event) => handle(JSON.parse((event as MessageEvent<string>).data) as RunFrames[Name]));
}

/** Wires every runnable block on the page. */
export function setUpRunPanels(root: ParentNode = document): void {
  for (const block of root.querySelectorAll<HTMLElement>('.procedure')) {
    block.querySelector<HTMLButtonElement>('.copy-button')?.addEventListener('click', () => copySource(block));
  }
  for (const block of root.querySelectorAll<HTMLElement>('.procedure.runnable')) {
    const form = block.querySelector<HTMLFormElement>('.run-form');
    form?.addEventListener('submit', (event) => {
      event.preventDefault();
      void startRun(block, form);
    });
  }
  for (const button of root.querySelectorAll<HTMLButtonElement>('.code-block:not(.procedure) .copy-button')) {
    button.addEventListener('click', () => copySource(button.closest<HTMLElement>('.code-block')!));
  }
}

async function startRun(block: HTMLElement, form: HTMLFormElement): Promise<void> {
  const panel = block.querySelector<HTMLElement>('.run-panel')!;
  const button = form.querySelector<HTMLButtonElement>('.run-button')!;
  const vars: Record<string, string> = {};
  let target: string | undefined;
  for (const field of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) {
    if (field.name === '__target') target = field.value;
    else if (field.value !== field.dataset.default) vars[field.name] = field.value;
  }
  button.disabled = true;
  panel.hidden = false;
  setState(panel, 'queued', 'starting…');
  const response = await fetch('/api/runs', {
    method: 'POST',
    headers: changeHeaders(),
    body: JSON.stringify({ block: block.dataset.blockId, hash: block.dataset.blockHash, vars, ...(target ? { target } : {}) }),
  });
  const body = (await response.json()) as { id?: string; joined?: boolean; message?: string };
  if (!response.ok || !body.id) {
    setState(panel, 'errored', body.message ?? `the server answered ${response.status}`);
    button.disabled = false;
    return;
  }
  follow(block, body.id, body.joined === true);
}

function follow(block: HTMLElement, runId: string, joined: boolean): void {
  const panel = block.querySelector<HTMLElement>('.run-panel')!;
  const output = panel.querySelector<HTMLElement>('.run-output')!;
  const button = block.querySelector<HTMLButtonElement>('.run-button')!;
  const cancel = panel.querySelector<HTMLButtonElement>('.cancel-button')!;
  const link = panel.querySelector<HTMLAnchorElement>('.run-link')!;
  const ansi = new AnsiToHtml({ ...ANSI_LOG_COLOURS, escapeXML: true, stream: false });
  output.textContent = '';
  resetVerdicts(block);
  link.href = `/runs/${runId}`;
  panel.dataset.runId = runId;
  cancel.hidden = false;
  cancel.onclick = () => void fetch(`/api/runs/${runId}/cancel`, { method: 'POST', headers: changeHeaders(false) });
  if (joined) setState(panel, 'running', 'joined the run already in progress');

  const source = new EventSource(`/api/runs/${runId}/events`);
  on(source, 'queued', ({ position }) => {
    setState(panel, 'queued', position > 0 ? `waiting for a free slot (position ${position})` : 'waiting for a free slot');
  });
  on(source, 'started', ({ run }) => {
    if (!isFinal(run.status)) setState(panel, run.status, joined ? 'joined the run already in progress' : '');
  });
  on(source, 'log', (line) => {
    const row = document.createElement('span');
    row.className = `log-line log-${line.stream}`;
    // ansi-to-html escapes the text first, so container output can colour but not inject markup.
    row.innerHTML = `${ansi.toHtml(line.text)}\n`;
    const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
    output.append(row);
    if (atBottom) output.scrollTop = output.scrollHeight;
  });
  on(source, 'finished', ({ run }) => {
    setState(panel, run.status, run.message ?? (run.exitCode !== null ? `exit code ${run.exitCode}` : ''));
    showVerdicts(block, run);
    source.close();
    cancel.hidden = true;
    button.disabled = false;
  });
}

const SYMBOLS: Record<string, string> = { passed: '✓', failed: '✗', skipped: '–', pending: '·' };

function resetVerdicts(block: HTMLElement): void {
  for (const item of block.querySelectorAll<HTMLElement>('.assertion')) {
    const verdict = item.querySelector<HTMLElement>('.verdict')!;
    verdict.dataset.status = 'pending';
    verdict.textContent = SYMBOLS.pending!;
    item.querySelector<HTMLElement>('.assertion-detail')!.textContent = '';
  }
}

/** Marks each expectation under a check with its verdict, expected against actual. */
function showVerdicts(block: HTMLElement, run: RunRecord): void {
  const verdicts = (run.result?.steps ?? []).flatMap((step) => (step.kind === 'check' ? step.verdicts : []));
  for (const verdict of verdicts) {
    const item = block.querySelector<HTMLElement>(`.assertion[data-index="${verdict.index}"]`);
    if (!item) continue;
    const mark = item.querySelector<HTMLElement>('.verdict')!;
    mark.dataset.status = verdict.status;
    mark.textContent = SYMBOLS[verdict.status] ?? '?';
    item.dataset.status = verdict.status;
    // textContent, never innerHTML: expected/actual quote container output.
    item.querySelector<HTMLElement>('.assertion-detail')!.textContent = verdict.status === 'passed' ? '' : `expected ${verdict.expected}; got ${verdict.actual}`;
  }
}

function setState(panel: HTMLElement, status: string, note: string): void {
  const state = panel.querySelector<HTMLElement>('.run-state')!;
  state.textContent = status;
  state.dataset.status = status;
  panel.querySelector<HTMLElement>('.run-note')!.textContent = note;
}

function copySource(block: HTMLElement): void {
  const code = block.querySelector('pre:not(.run-output)')?.textContent ?? '';
  void navigator.clipboard?.writeText(code).then(() => {
    const button = block.querySelector<HTMLButtonElement>('.copy-button');
    if (!button) return;
    button.textContent = 'Copied';
    setTimeout(() => (button.textContent = 'Copy'), 1500);
  });
}
