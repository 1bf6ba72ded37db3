import type { Core } from '../app/index.ts';
import { filtersFrom, type Dashboard, type DashboardFilters, type RunbookRow } from '../dashboard/index.ts';

/** Everything the dashboard page renders. */
export interface DashboardView {
  dashboard: Dashboard;
  /** Whole runbooks on each target, with a Run runbook button each. */
  runbooks: RunbookRow[];
  now: number;
  filters: DashboardFilters;
  /** The filter drop-downs, with the values the rows take. */
  selects: Array<{ name: keyof DashboardFilters; label: string; values: string[]; current: string }>;
  /** The filters as a query string, for the live script's refreshes. */
  filterQuery: string;
  /** True when only some checks are shown, so "Run all" says "Run all shown". */
  narrowed: boolean;
}

/** The dashboard for the filters in the page's query. */
export async function dashboardView(core: Core, url: URL): Promise<DashboardView> {
  const filters = filtersFrom(url);
  const dashboard = await core.dashboard.load(filters);
  const select = (name: keyof DashboardFilters, values: string[]) => ({ name, label: name, values, current: filters[name] ?? '' });
  return {
    dashboard,
    runbooks: await core.dashboard.runbookRows(filters),
    now: Date.parse(dashboard.generatedAt),
    filters,
    selects: [select('doc', dashboard.options.docs), select('system', dashboard.options.systems), select('target', dashboard.options.targets), select('status', dashboard.options.statuses)],
    filterQuery: new URLSearchParams(Object.entries(filters).filter((e): e is [string, string] => Boolean(e[1]))).toString(),
    narrowed: dashboard.rows.length < dashboard.options.docs.length || Object.values(filters).some(Boolean),
  };
}
