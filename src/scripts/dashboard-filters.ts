// Filters, sorts and pages the dashboard in place. A change to the filters first arranges the
// rows the page already holds (hides what does not match, sorts what does), so the page
// answers within a frame; the server's answer over every row (GET /dashboard with the same
// query, often from its cache) then replaces the results when it arrives, and the address bar
// follows. Without script the form and the pager links work as plain navigations.
import { CHECK_STATUS_ORDER } from '../lib/dashboard/browser.ts';

/** Filled in by the server's answer: the counts, the rows with their pager, the runbook rows, Run all's label. */
const SWAPPED = ['.status-counts', '.dashboard-results', '.dashboard-runbooks', '#run-all'];

/** Names of the measures a browser test (or a curious person, in the performance panel) reads. */
export const FILTER_MEASURES = { local: 'dashboard: rows on the page arranged', server: 'dashboard: all rows from the server' } as const;

type Compare = (a: HTMLElement, b: HTMLElement) => number;
const statusRank = new Map<string, number>(CHECK_STATUS_ORDER.map((status, i) => [status, i]));
/** The server's orders (dashboard-data.ts), on the attributes of the rows. */
const COMPARE: Record<string, Compare> = {
  status: (a, b) => (statusRank.get(a.dataset.status ?? '') ?? 99) - (statusRank.get(b.dataset.status ?? '') ?? 99),
  name: (a, b) => (a.dataset.name ?? '').localeCompare(b.dataset.name ?? ''),
  target: (a, b) => (a.dataset.target ?? '').localeCompare(b.dataset.target ?? ''),
  // Newest first; never-run checks last.
  'last-run': (a, b) => (b.dataset.lastRunAt ?? '').localeCompare(a.dataset.lastRunAt ?? ''),
};

/** Wires the filter form, the sort and the pager to update the results without a page load. */
export function setUpDashboardFilters(): void {
  const form = document.querySelector<HTMLFormElement>('form.dashboard-filters');
  if (!form) return;
  let inFlight: AbortController | null = null;

  const show = async (query: string, history: 'push' | 'none') => {
    const started = performance.now();
    arrangeRowsOnPage(new URLSearchParams(query));
    performance.measure(FILTER_MEASURES.local, { start: started });
    inFlight?.abort();
    const request = (inFlight = new AbortController());
    const url = `/dashboard${query ? `?${query}` : ''}`;
    try {
      const response = await fetch(url, { signal: request.signal, headers: { accept: 'text/html' } });
      if (!response.ok) return void (location.href = url);
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      if (request.signal.aborted) return;
      for (const selector of SWAPPED) {
        const fresh = next.querySelector(selector);
        const current = document.querySelector(selector);
        if (fresh && current) current.replaceWith(document.adoptNode(fresh));
      }
      syncSelects(form, new URLSearchParams(query));
      if (history === 'push') window.history.pushState(null, '', url);
      performance.measure(FILTER_MEASURES.server, { start: started });
      document.dispatchEvent(new CustomEvent('dashboard:results'));
    } catch {
      // A newer change took over; anything else falls back to a plain navigation.
      if (!request.signal.aborted) location.href = url;
    }
  };

  form.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement) void show(queryOf(form), 'push');
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void show(queryOf(form), 'push');
  });
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('.pager a[href]');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    void show(new URL(link.href).searchParams.toString(), 'push');
  });
  window.addEventListener('popstate', () => void show(location.search.slice(1), 'none'));
}

/** The form's choices as a query, from the first page; a `limit` in the address is kept. */
function queryOf(form: HTMLFormElement): string {
  const params = new URLSearchParams();
  for (const select of form.querySelectorAll<HTMLSelectElement>('select[name]')) if (select.value) params.set(select.name, select.value);
  const limit = new URLSearchParams(location.search).get('limit');
  if (limit) params.set('limit', limit);
  return params.toString();
}

/** Hides the rows the filters exclude and sorts the rest, within the rows already on the page. */
function arrangeRowsOnPage(params: URLSearchParams): void {
  const body = document.querySelector<HTMLTableSectionElement>('table.dashboard tbody');
  if (!body) return;
  const rows = [...body.querySelectorAll<HTMLTableRowElement>('tr.check-row')];
  const wanted = (['doc', 'system', 'target', 'status'] as const).flatMap((name) => (params.get(name) ? [[name, params.get(name)!] as const] : []));
  for (const row of rows) row.hidden = wanted.some(([name, value]) => row.dataset[name] !== value);
  const compare = COMPARE[params.get('sort') ?? ''];
  if (compare) body.append(...rows.toSorted(compare));
  body.closest('table')?.setAttribute('aria-busy', 'true');
}

/** Back and forward change the query under the form: the selects show it again. */
function syncSelects(form: HTMLFormElement, params: URLSearchParams): void {
  for (const select of form.querySelectorAll<HTMLSelectElement>('select[name]')) select.value = params.get(select.name) ?? '';
}
