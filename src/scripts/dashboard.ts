// Keeps the dashboard current without reloads: run events over SSE flip a row's status at
// once, and after a run finishes (or a maintenance window starts or ends) the rows are
// refreshed from GET /api/checks.
import type { Dashboard } from '../lib/dashboard/index.ts';
import { changeHeaders } from './csrf.ts';
import type { DashboardFrames } from '../lib/runs/index.ts';
import { maintenanceNote } from '../lib/dashboard/browser.ts';
import { formatAge, formatDuration } from '../lib/shared/browser.ts';

/** Wires the live updates, the per-row Run buttons and Run all. */
export function setUpDashboard(): void {
  // The results are replaced in place when the filters change (dashboard-filters.ts): the
  // filters are read from the table shown, and the buttons are found through their page.
  const filters = () => document.querySelector<HTMLElement>('.dashboard-results')?.dataset.filters ?? '';
  let refreshTimer: number | undefined;
  let lateRefreshTimer: number | undefined;
  const scheduleRefresh = () => {
    window.clearTimeout(refreshTimer);
    window.clearTimeout(lateRefreshTimer);
    refreshTimer = window.setTimeout(() => void refresh(filters()), 250);
    // Incidents are opened just after a run finishes; a second look catches them.
    lateRefreshTimer = window.setTimeout(() => void refresh(filters()), 2000);
  };

  const source = new EventSource('/api/events');
  for (const type of ['queued', 'started'] as const) {
    source.addEventListener(type, (event) => {
      const { key, run } = JSON.parse((event as MessageEvent<string>).data) as DashboardFrames[typeof type];
      const row = rowFor(key);
      if (!row) return scheduleRefresh();
      setStatus(row, run.status === 'queued' ? 'queued' : 'running', '');
      setLastRunLink(row, run.id, 'just now');
    });
  }
  source.addEventListener('finished', scheduleRefresh);
  // A maintenance window started or ended: statuses changed with no run.
  source.addEventListener('maintenance', () => void refresh(filters()));

  document.addEventListener('click', async (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('.row-run');
    if (!button || button.disabled) return;
    const row = button.closest<HTMLTableRowElement>('tr.check-row')!;
    const response = await fetch('/api/runs', {
      method: 'POST',
      headers: changeHeaders(),
      body: JSON.stringify({ block: row.dataset.blockId, hash: row.dataset.hash, target: row.dataset.target }),
    });
    if (!response.ok) setStatus(row, row.dataset.status ?? 'failing', ((await response.json()) as { message: string }).message);
  });

  document.addEventListener('click', async (event) => {
    if (!(event.target as Element | null)?.closest('#run-all')) return;
    const note = document.querySelector<HTMLElement>('#run-all-note')!;
    const response = await fetch('/api/checks/run-all', {
      method: 'POST',
      headers: changeHeaders(),
      body: JSON.stringify(Object.fromEntries(new URLSearchParams(filters()))),
    });
    const body = (await response.json()) as { started?: string[]; joined?: string[]; message?: string };
    note.textContent = response.ok ? `queued ${body.started?.length ?? 0}, already running ${body.joined?.length ?? 0}` : (body.message ?? 'failed');
  });

  window.setInterval(() => {
    for (const link of document.querySelectorAll<HTMLAnchorElement>('.last-run a[data-at]')) {
      link.textContent = formatAge(Date.now() - Date.parse(link.dataset.at!));
    }
  }, 30_000);
}

async function refresh(filters: string): Promise<void> {
  const response = await fetch(`/api/checks${filters ? `?${filters}` : ''}`);
  if (!response.ok) return;
  const { rows } = (await response.json()) as Dashboard;
  for (const data of rows) {
    const row = rowFor(data.key);
    if (!row) continue;
    setStatus(row, data.status, data.reason ?? '');
    cell(row, '.maintenance-note').textContent = maintenanceNote(data.maintenance);
    if (data.lastRun) setLastRunLink(row, data.lastRun.id, formatAge(Date.now() - Date.parse(data.lastRun.finishedAt ?? data.lastRun.createdAt)), data.lastRun.finishedAt ?? data.lastRun.createdAt);
    cell(row, '.duration').textContent = data.lastDurationMs === null ? '—' : formatDuration(data.lastDurationMs);
    cell(row, '.rate-24h').textContent = percent(data.passRate24h);
    cell(row, '.rate-7d').textContent = percent(data.passRate7d);
    row.querySelector('.spark path.spark-line')?.setAttribute('d', data.sparkline);
    row.querySelector('.spark path.spark-changes')?.setAttribute('d', data.sparklineChanges);
    const incidents = cell(row, '.incidents');
    incidents.replaceChildren();
    if (data.openIncidents > 0) {
      const link = document.createElement('a');
      link.className = 'incident-count';
      link.href = `/incidents?check=${encodeURIComponent(data.blockId)}`;
      link.textContent = `${data.openIncidents} open`;
      incidents.append(link);
    } else {
      incidents.textContent = '—';
    }
  }
}

function rowFor(key: string): HTMLTableRowElement | null {
  return [...document.querySelectorAll<HTMLTableRowElement>('tr.check-row')].find((row) => row.dataset.key === key) ?? null;
}

function cell(row: HTMLElement, selector: string): HTMLElement {
  return row.querySelector<HTMLElement>(selector)!;
}

function setStatus(row: HTMLTableRowElement, status: string, reason: string): void {
  row.dataset.status = status;
  const badge = cell(row, '.check-status');
  badge.dataset.status = status;
  badge.textContent = status;
  badge.title = reason;
}

function setLastRunLink(row: HTMLElement, runId: string, label: string, at?: string): void {
  const target = cell(row, '.last-run');
  const link = document.createElement('a');
  link.href = `/runs/${runId}`;
  link.textContent = label;
  link.dataset.at = at ?? new Date().toISOString();
  target.replaceChildren(link);
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}
