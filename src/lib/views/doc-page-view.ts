import type { Core } from '../app/index.ts';
import { resolveCitation } from '../checks/index.ts';
import { describeFreshness, type FreshnessView, type ValidatedByEntry, type VerifiedByEntry } from '../dashboard/index.ts';
import { describeDoc, docHref, lastUpdated, repositoryHref, repositoryPath, type DocDetail, type DocRecord, type DocSet, type LastUpdated } from '../docs/index.ts';
import { sectionIncidents, troubleshootingSections, type SectionIncidents } from '../incidents/index.ts';
import type { RenderedSegment, TocEntry } from '../markdown/index.ts';
import { procedureDecorator } from '../procedures/index.ts';
import { runbookPlan, type RunbookRunRecord } from '../runs/index.ts';

const SHOWN_ELSEWHERE = new Set(['id', 'title', 'status', 'owners', 'created', 'updated', 'links', 'type']);

/** Everything a doc page renders, or `found: false` for a 404. */
export type DocPageView =
  | { found: false; id: string }
  | {
      found: true;
      doc: DocRecord;
      detail: DocDetail;
      segments: Array<RenderedSegment & { incidents: SectionIncidents | null }>;
      toc: TocEntry[];
      /** Why the body is not shown (too large, too deep, too slow to render); the rest of the page is. */
      renderProblem: string | null;
      /** How the doc's checks stand, one line per target; null when it has no checks. */
      freshness: FreshnessView | null;
      verifiers: VerifiedByEntry[];
      /** The doc's schema blocks and the checks validating against each. */
      schemas: ValidatedByEntry[];
      /** Frontmatter the page's header does not already show, as label and text. */
      about: Array<{ label: string; text: string }>;
      links: Array<{ href: string; title: string; id: string }>;
      brokenTargets: string[];
      backlinks: Array<{ href: string; title: string; id: string }>;
      /** The Run runbook bar, when the doc has steps that can run. */
      runbook: DocRunbook | null;
      /** The doc's place in its repository: last change, and the web view's edit and history pages. */
      source: DocSource;
    };

/** "Last updated … by …", "Edit this page" and "History", each only when known or configured. */
export interface DocSource {
  lastUpdated: LastUpdated | null;
  /** From `repo.edit_url`. */
  editHref: string | null;
  /** From `repo.history_url`. */
  historyHref: string | null;
}

/** What the Run runbook bar offers, and the doc's recent runbook runs. */
export interface DocRunbook {
  /** Sent back with the request, so a stale page is refused. */
  hash: string;
  targets: string[];
  runnableCount: number;
  stepCount: number;
  recent: Array<Pick<RunbookRunRecord, 'id' | 'status' | 'target' | 'createdAt'> & { href: string }>;
}

/** A doc page: the rendered body with its blocks decorated, incidents under their sections, links both ways. */
export async function docPageView(core: Core, id: string, now = Date.now()): Promise<DocPageView> {
  const set = await core.docs.current();
  const doc = set.byId.get(id);
  if (!doc || !core.pages) return { found: false, id };
  const rendered = await core.pages.get(set, doc, procedureDecorator(core.catalog.blocksOf(doc, set), (text) => resolveCitation(set, text)));
  const sections = troubleshootingSections(doc);
  const incidents = sections.length > 0 ? sectionIncidents(sections, core.incidents.list({ sectionDocId: doc.id, limit: 500 })) : new Map<string, SectionIncidents>();
  const detail = describeDoc(set, doc);
  return {
    found: true,
    doc,
    detail,
    segments: rendered.segments.map((segment) => ({ ...segment, incidents: (segment.headingId && incidents.get(segment.headingId)) || null })),
    toc: rendered.toc,
    renderProblem: rendered.problem,
    freshness: describeFreshness(core.dashboard.freshnessOf(set)(doc), now),
    verifiers: core.dashboard.verifiedBy(set, doc),
    schemas: core.dashboard.validatedBy(set, doc),
    about: [
      { label: 'Owners', text: doc.owners.join(', ') || '—' },
      { label: 'Created', text: doc.created ?? '—' },
      { label: 'Updated', text: doc.updated ?? '—' },
      ...Object.entries(doc.frontmatter)
        .filter(([key]) => !SHOWN_ELSEWHERE.has(key))
        .map(([key, value]) => ({ label: key, text: frontmatterText(value) })),
    ],
    links: detail.links.map((link) => ({ href: docHref(link.id, link.anchor), title: link.title, id: link.id })),
    brokenTargets: [...new Set(detail.brokenLinks.map((b) => b.target))],
    backlinks: detail.backlinks.map((link) => ({ href: docHref(link.id), title: link.title, id: link.id })),
    runbook: docRunbook(core, doc, set),
    source: docSource(core, doc, set),
  };
}

function docSource(core: Core, doc: DocRecord, set: DocSet): DocSource {
  const inRepository = repositoryPath(set.location, doc.path);
  const { edit_url: editUrl, history_url: historyUrl } = core.systems.repo;
  return {
    lastUpdated: lastUpdated(doc.updated, core.git?.lastCommit(inRepository) ?? null),
    editHref: repositoryHref(editUrl ?? null, inRepository),
    historyHref: repositoryHref(historyUrl ?? null, inRepository),
  };
}

function docRunbook(core: Core, doc: DocRecord, set: DocSet): DocRunbook | null {
  const plan = runbookPlan(doc, core.catalog, core.targets.names(), set);
  if (!plan) return null;
  return {
    hash: plan.hash,
    targets: plan.targets,
    runnableCount: plan.runnableCount,
    stepCount: plan.blocks.length,
    recent: core.runbooks.list({ docId: doc.id, limit: 5 }).map((run) => ({ id: run.id, status: run.status, target: run.target, createdAt: run.createdAt, href: `/runbook-runs/${run.id}` })),
  };
}

function frontmatterText(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ');
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
