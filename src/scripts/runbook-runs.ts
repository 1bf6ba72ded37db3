// Browser side of whole-runbook runs: the Run runbook buttons post a doc id and the runbook
// hash the page showed (never a command), and the timeline page follows its runbook run's
// Server-Sent Events, so each step's status changes as it happens.
import type { RunbookRunFrames, RunbookRunRecord, RunbookStep } from '../lib/runs/index.ts';
import { changeHeaders } from './csrf.ts';
import { formatDuration } from '../lib/shared/browser.ts';

/** Wires the Run runbook bar on a doc page and the per-runbook buttons on the dashboard. */
export function setUpRunbookButtons(root: ParentNode = document): void {
  for (const bar of root.querySelectorAll<HTMLElement>('.runbook-bar')) {
    const form = bar.querySelector<HTMLFormElement>('.runbook-form')!;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const target = form.querySelector<HTMLSelectElement>('select[name="target"]')?.value;
      const keepGoing = form.querySelector<HTMLInputElement>('input[name="keepGoing"]')?.checked ?? false;
      const button = form.querySelector<HTMLButtonElement>('.runbook-run-button')!;
      const note = form.querySelector<HTMLElement>('.runbook-note')!;
      button.disabled = true;
      note.textContent = 'starting…';
      void startRunbook({ doc: bar.dataset.docId!, hash: bar.dataset.runbookHash!, keepGoing, ...(target ? { target } : {}) }).then((started) => {
        // The timeline page is the run's live view and its permalink at once.
        if (started.ok) window.location.assign(started.url);
        else {
          note.textContent = started.message;
          button.disabled = false;
        }
      });
    });
  }
  for (const button of root.querySelectorAll<HTMLButtonElement>('.runbook-row-run')) {
    button.addEventListener('click', () => {
      const row = button.closest<HTMLElement>('.runbook-row')!;
      const note = row.querySelector<HTMLElement>('.runbook-row-note')!;
      button.disabled = true;
      void startRunbook({ doc: row.dataset.docId!, hash: row.dataset.runbookHash!, target: row.dataset.target!, keepGoing: false }).then((started) => {
        button.disabled = false;
        note.replaceChildren();
        if (!started.ok) {
          note.textContent = started.message;
          return;
        }
        const link = document.createElement('a');
        link.href = started.url;
        link.textContent = started.joined ? 'joined the runbook run going' : 'runbook run started';
        note.append(link);
        const status = row.querySelector<HTMLElement>('.runbook-status');
        if (status) {
          status.dataset.status = 'running';
          status.textContent = 'running';
        }
      });
    });
  }
}

type Started = { ok: true; url: string; joined: boolean } | { ok: false; message: string };

async function startRunbook(body: { doc: string; hash: string; target?: string; keepGoing: boolean }): Promise<Started> {
  const response = await fetch('/api/runbook-runs', { method: 'POST', headers: changeHeaders(), body: JSON.stringify(body) });
  const answer = (await response.json()) as { url?: string; joined?: boolean; message?: string };
  return response.ok && answer.url ? { ok: true, url: answer.url, joined: answer.joined === true } : { ok: false, message: answer.message ?? `the server answered ${response.status}` };
}

/** Follows the runbook run on its page until it ends; a finished run's page is already complete. */
export function setUpRunbookTimeline(): void {
  const timeline = document.querySelector<HTMLElement>('.runbook-timeline');
  if (!timeline) return;
  const id = timeline.dataset.runbookRunId!;
  const cancel = document.querySelector<HTMLButtonElement>('#runbook-cancel');
  cancel?.addEventListener('click', () => {
    cancel.disabled = true;
    void fetch(`/api/runbook-runs/${id}/cancel`, { method: 'POST', headers: changeHeaders(), body: '{}' });
  });
  if (timeline.dataset.active !== 'true') return;
  const source = new EventSource(`/api/runbook-runs/${id}/events`);
  const on = <Name extends keyof RunbookRunFrames & string>(name: Name, handle: (data: RunbookRunFrames[Name]) => void) =>
    source.addEventListener(name, (event) => handle(JSON.parse((event as MessageEvent<string>).data) as RunbookRunFrames[Name]));
  on('updated', ({ run }) => render(timeline, run));
  on('finished', ({ run }) => {
    source.close();
    render(timeline, run);
    if (cancel) cancel.hidden = true;
    // Incidents open just after a step's run ends; look once now and once a little later.
    void showIncidents(timeline, id);
    window.setTimeout(() => void showIncidents(timeline, id), 2000);
  });
}

function render(timeline: HTMLElement, run: RunbookRunRecord): void {
  const status = document.querySelector<HTMLElement>('#runbook-status')!;
  status.dataset.status = run.status;
  status.textContent = run.status;
  document.querySelector<HTMLElement>('#runbook-message')!.textContent = run.message ?? '';
  if (run.finishedAt) {
    const took = run.startedAt ? ` (${formatDuration(Date.parse(run.finishedAt) - Date.parse(run.startedAt))})` : '';
    document.querySelector<HTMLElement>('#runbook-finished')!.textContent = `${run.finishedAt}${took}`;
  }
  const items = timeline.querySelectorAll<HTMLElement>('.runbook-step');
  run.steps.forEach((step, index) => {
    const item = items[index];
    if (item && item.dataset.blockId === step.blockId) renderStep(item, step);
  });
}

function renderStep(item: HTMLElement, step: RunbookStep): void {
  item.dataset.status = step.status;
  const badge = item.querySelector<HTMLElement>('.step-status')!;
  badge.dataset.status = step.status;
  badge.textContent = step.status;
  const link = item.querySelector<HTMLAnchorElement>('.step-run')!;
  if (step.runId) {
    link.href = `/runs/${step.runId}`;
    link.textContent = `run ${step.runId.slice(0, 8)}`;
    link.hidden = false;
  }
  item.querySelector<HTMLElement>('.step-duration')!.textContent = step.startedAt && step.finishedAt ? formatDuration(Date.parse(step.finishedAt) - Date.parse(step.startedAt)) : '';
  // textContent, never innerHTML: reasons quote build and container output.
  item.querySelector<HTMLElement>('.step-reason')!.textContent = step.status === 'passed' ? '' : `${step.failureKind ? `${step.failureKind}: ` : ''}${step.reason ?? ''}`;
}

async function showIncidents(timeline: HTMLElement, id: string): Promise<void> {
  const response = await fetch(`/api/runbook-runs/${id}`);
  if (!response.ok) return;
  const { run, incidents } = (await response.json()) as { run: RunbookRunRecord; incidents: Record<string, string> };
  const items = timeline.querySelectorAll<HTMLElement>('.runbook-step');
  run.steps.forEach((step, index) => {
    const incident = step.runId ? incidents[step.runId] : undefined;
    const link = items[index]?.querySelector<HTMLAnchorElement>('.step-incident');
    if (!incident || !link) return;
    link.href = `/incidents/${incident}`;
    link.textContent = `incident ${incident}`;
    link.hidden = false;
  });
}
