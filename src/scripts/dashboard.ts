// Keeps the dashboard current without reloads: run events over SSE flip a row's status at
// once, and after a run finishes (or a maintenance window starts or ends, or the stream comes
// back) the rows are refreshed from GET /api/checks, schedules and their next due times included.
import type { Dashboard, DashboardRow } from '../lib/dashboard/index.ts';
import { changeHeaders } from './csrf.ts';
import type { DashboardFrames } from '../lib/runs/index.ts';
import { maintenanceNote } from '../lib/dashboard/browser.ts';
import { formatAge, formatDuration, formatNextIn } from '../lib/shared/browser.ts';

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
  // Back after losing the stream (the server restarted, say): runs may have come and gone
  // meanwhile without an event reaching this page, so the rows are read again.
  let lost = false;
  source.addEventListener('error', () => (lost = true));
  source.addEventListener('open', () => {
    if (lost) scheduleRefresh();
    lost = false;
  });
  for (const type of ['queued', 'started'] as const) {
    source.addEventListener(type, (event) => {
      const { key, run } = JSON.parse((event as MessageEvent<string>).data) as DashboardFrames[typeof type];
      const row = rowFor(key);
      if (!row) return scheduleRefresh();
      setStatus(row, run.status === 'queued' ? 'queued' : 'running', '');
      setLastRunLink(row, run.id, 'just now', run.trigger);
      // A due time that has passed is this run: the refresh after it ends brings the next one.
      const next = row.querySelector<HTMLTimeElement>('time.next-run');
      if (next && Date.parse(next.dateTime) <= Date.now()) next.remove();
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

  // Relative times go stale in the page (and in the short-lived cached copy it may have come
  // from): they are worded again from their absolute times now and every few seconds.
  refreshRelativeTimes();
  window.setInterval(refreshRelativeTimes, 10_000);
}

function refreshRelativeTimes(): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>('.last-run a[data-at]')) {
    link.textContent = formatAge(Date.now() - Date.parse(link.dataset.at!));
  }
  for (const time of document.querySelectorAll<HTMLTimeElement>('time.next-run[datetime]')) {
    time.textContent = formatNextIn(Date.parse(time.dateTime) - Date.now());
  }
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
    if (data.lastRun) setLastRunLink(row, data.lastRun.id, formatAge(Date.now() - Date.parse(data.lastRun.finishedAt ?? data.lastRun.createdAt)), data.lastRun.trigger, data.lastRun.finishedAt ?? data.lastRun.createdAt);
    cell(row, '.duration').textContent = data.lastDurationMs === null ? '—' : formatDuration(data.lastDurationMs);
    cell(row, '.rate-24h').textContent = percent(data.passRate24h);
    cell(row, '.rate-7d').textContent = percent(data.passRate7d);
    row.querySelector('.spark path.spark-line')?.setAttribute('d', data.sparkline);
    row.querySelector('.spark path.spark-changes')?.setAttribute('d', data.sparklineChanges);
    setSchedule(row, data);
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

/** The last-run cell as CheckRowCells.astro renders it: how long ago, and "(scheduled)" for a run the scheduler started. */
function setLastRunLink(row: HTMLElement, runId: string, label: string, trigger: string, at?: string): void {
  const target = cell(row, '.last-run');
  const link = document.createElement('a');
  link.href = `/runs/${runId}`;
  link.textContent = label;
  link.dataset.at = at ?? new Date().toISOString();
  target.replaceChildren(link);
  if (trigger === 'schedule') target.append(span('muted small', ' (scheduled)'));
}

/** The schedule cell as CheckRowCells.astro renders it: the interval, skips, and when the next run is due. */
function setSchedule(row: HTMLElement, data: Pick<DashboardRow, 'schedule' | 'skippedWhileRunning' | 'nextRunAt'>): void {
  const target = cell(row, '.schedule');
  if (!data.schedule) return target.replaceChildren(span('muted', '—'));
  const parts = [span('schedule-label', data.schedule.label)];
  if (data.skippedWhileRunning > 0) parts.push(span('muted small skipped', ` (${data.skippedWhileRunning} skipped)`));
  const next = document.createElement('div');
  next.className = 'muted small next-run-cell';
  if (data.nextRunAt) {
    const time = document.createElement('time');
    time.className = 'next-run';
    time.dateTime = data.nextRunAt;
    time.title = `next run at ${data.nextRunAt}`;
    time.textContent = formatNextIn(Date.parse(data.nextRunAt) - Date.now());
    next.append(time);
  }
  target.replaceChildren(...parts, next);
}

function span(className: string, text: string): HTMLSpanElement {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}
