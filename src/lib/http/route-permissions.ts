import type { Permission } from '../auth/index.ts';

/** What a request asks to do: the permission it needs, the audit action it is recorded as, and what it acts on. */
export interface RouteAction {
  permission: Permission;
  /** The audit log's name for it (`run.start`, `incident.resolve`, …); null for plain reads, which are not audited. */
  action: string | null;
  target: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether a request can change state (and so needs a role, a CSRF token when cookie-borne, and an audit row). */
export function isMutating(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Every route that changes something, with what it needs. The middleware checks these
 * before the route runs, so no route can forget; `test/unit/http/route-permissions.test.ts`
 * fails when a page under src/pages exports a mutating handler this table does not cover.
 */
export const MUTATING_ROUTES: { pattern: RegExp; permission: Permission | ((match: RegExpExecArray) => Permission); action: (match: RegExpExecArray) => string }[] = [
  { pattern: /^\/api\/runs\/?$/, permission: 'run.start', action: () => 'run.start' },
  { pattern: /^\/api\/runs\/([^/]+)\/cancel\/?$/, permission: 'run.cancel', action: () => 'run.cancel' },
  { pattern: /^\/api\/checks\/run-all\/?$/, permission: 'checks.run-all', action: () => 'checks.run-all' },
  { pattern: /^\/api\/runbook-runs\/?$/, permission: 'runbook.start', action: () => 'runbook.start' },
  { pattern: /^\/api\/runbook-runs\/([^/]+)\/cancel\/?$/, permission: 'runbook.cancel', action: () => 'runbook.cancel' },
  {
    pattern: /^\/api\/incidents\/([^/]+)\/([^/]+)\/?$/,
    permission: (match) => (match[2] === 'acknowledge' ? 'incident.acknowledge' : match[2] === 'resolve' ? 'incident.resolve' : 'incident.note'),
    action: (match) => `incident.${match[2]}`,
  },
  { pattern: /^\/auth\/sign-out\/?$/, permission: 'sign-out', action: () => 'auth.sign-out' },
];

/** Reads that need more than the viewer role. */
const GUARDED_READS: { pattern: RegExp; permission: Permission; action: string }[] = [
  { pattern: /^\/api\/incidents\/([^/]+)\/export\.md$/, permission: 'incident.export', action: 'incident.export' },
  { pattern: /^\/(api\/)?audit\/?$/, permission: 'audit.read', action: 'audit.read' },
];

/** Paths anyone may open, signed in or not: liveness, and how to sign in. */
const OPEN_PATHS = /^\/(healthz|auth\/sign-in|favicon\.svg|styles\.css|_astro\/.*)\/?$/;

/** What a request needs, or null for the few paths open to everyone. */
export function routeAction(method: string, pathname: string): RouteAction | null {
  if (isMutating(method)) {
    for (const route of MUTATING_ROUTES) {
      const match = route.pattern.exec(pathname);
      if (match) {
        const target = match[1] ? decodeSegment(match[1]) : pathname;
        return { permission: typeof route.permission === 'function' ? route.permission(match) : route.permission, action: route.action(match), target };
      }
    }
    // A change to something the table does not know is treated as the strongest kind.
    return { permission: 'change', action: `request.${method.toLowerCase()}`, target: pathname };
  }
  if (OPEN_PATHS.test(pathname)) return null;
  for (const read of GUARDED_READS) {
    const match = read.pattern.exec(pathname);
    if (match) return { permission: read.permission, action: read.action, target: match[1] ? decodeSegment(match[1]) : pathname };
  }
  return { permission: 'read', action: null, target: pathname };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
