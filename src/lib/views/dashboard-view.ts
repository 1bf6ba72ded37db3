import type { Core } from '../app/index.ts';
import { DASHBOARD_SORTS, DEFAULT_PAGE_SIZE, filtersFrom, pageFrom, type Dashboard, type DashboardFilters, type RunbookRow } from '../dashboard/index.ts';

/** Everything the dashboard page renders. */
export interface DashboardView {
  dashboard: Dashboard;
  /** Whole runbooks on each target, with a Run runbook button each (the first page of them). */
  runbooks: RunbookRow[];
  /** Runbook rows matching the doc and target filters, shown or not. */
  runbookTotal: number;
  now: number;
  filters: DashboardFilters;
  /** The filter drop-downs, with the values the rows take. */
  selects: Array<{ name: keyof DashboardFilters | 'sort'; label: string; values: string[]; current: string; anyLabel: string }>;
  /** The filters and page as a query string, for the live script's refreshes of the same rows. */
  filterQuery: string;
  /** True when only some checks are shown, so "Run all" says "Run all shown". */
  narrowed: boolean;
  /** Where this page of rows sits among all matching rows, with links to its neighbours. */
  pager: { from: number; to: number; total: number; previous: string | null; next: string | null };
  /** Why the page's sort/offset/limit were ignored, when they could not be used. */
  pageProblem: string | null;
}

/** The dashboard for the filters and page in the page's query. */
export async function dashboardView(core: Core, url: URL): Promise<DashboardView> {
  const filters = filtersFrom(url);
  const parsed = pageFrom(url);
  const page = parsed.ok ? parsed.page : { offset: 0, limit: DEFAULT_PAGE_SIZE, sort: undefined };
  const dashboard = await core.dashboard.load({ ...filters, ...page });
  // As many runbook rows as check rows at most: narrowing by doc or target shows the others.
  const runbooks = await core.dashboard.runbookRows(filters, DEFAULT_PAGE_SIZE);
  const select = (name: keyof DashboardFilters, values: string[]) => ({ name, label: name, values, current: filters[name] ?? '', anyLabel: 'all' });
  const params = (changes: Record<string, string | number | undefined>) => {
    const entries = Object.entries({ ...filters, sort: page.sort, limit: page.limit === DEFAULT_PAGE_SIZE ? undefined : page.limit, ...changes });
    return new URLSearchParams(entries.filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '' && e[1] !== 0).map(([k, v]) => [k, String(v)])).toString();
  };
  const hrefFor = (offset: number) => `/dashboard${params({ offset }) ? `?${params({ offset })}` : ''}`;
  const { offset, limit, total } = { offset: dashboard.offset, limit: dashboard.limit ?? DEFAULT_PAGE_SIZE, total: dashboard.total };
  return {
    dashboard,
    runbooks: runbooks.rows,
    runbookTotal: runbooks.total,
    now: Date.parse(dashboard.generatedAt),
    filters,
    selects: [
      select('doc', dashboard.options.docs),
      select('system', dashboard.options.systems),
      select('target', dashboard.options.targets),
      select('status', dashboard.options.statuses),
      { name: 'sort', label: 'sort', values: DASHBOARD_SORTS.filter((s) => s !== 'doc'), current: page.sort === 'doc' ? '' : (page.sort ?? ''), anyLabel: 'doc' },
    ],
    filterQuery: params({ offset }),
    narrowed: total < dashboard.options.docs.length || Object.values(filters).some(Boolean),
    pager: {
      from: total === 0 ? 0 : Math.min(offset + 1, total),
      to: Math.min(offset + limit, total),
      total,
      previous: offset > 0 ? hrefFor(Math.max(0, offset - limit)) : null,
      next: offset + limit < total ? hrefFor(offset + limit) : null,
    },
    pageProblem: parsed.ok ? null : parsed.message,
  };
}
