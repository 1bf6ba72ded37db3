import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUTATING_ROUTES, routeAction } from '../../../src/lib/http/index.ts';

const PAGES = path.resolve(import.meta.dirname, '../../../src/pages');

/** Every route file under src/pages, as the URL path it serves with its parameters filled in. */
function routeFiles(dir = PAGES): { file: string; path: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    const relative = path.relative(PAGES, full).replace(/\.(ts|astro)$/, '').replace(/(^|\/)index$/, '');
    return [{ file: path.relative(PAGES, full), path: `/${relative.replace(/\[\.\.\.[^\]]+\]|\[[^\]]+\]/g, 'x1')}` }];
  });
}

describe('which route needs which role', () => {
  it('covers every mutating handler under src/pages, so no route can forget its role check', () => {
    const mutating = routeFiles().filter(({ file }) => /export const (POST|PUT|PATCH|DELETE)\b/.test(readFileSync(path.join(PAGES, file), 'utf8')));
    expect(mutating.length).toBeGreaterThanOrEqual(6);
    for (const { file, path: url } of mutating) {
      const covered = MUTATING_ROUTES.some((route) => route.pattern.test(url));
      expect(covered, `${file} (${url}) exports a mutating handler that MUTATING_ROUTES in src/lib/http/route-permissions.ts does not list`).toBe(true);
    }
  });

  it('names the permission and audit action of each change', () => {
    expect(routeAction('POST', '/api/runs')).toEqual({ permission: 'run.start', action: 'run.start', target: '/api/runs' });
    expect(routeAction('POST', '/api/runs/abc/cancel')).toEqual({ permission: 'run.cancel', action: 'run.cancel', target: 'abc' });
    expect(routeAction('POST', '/api/incidents/INC-3/resolve')).toEqual({ permission: 'incident.resolve', action: 'incident.resolve', target: 'INC-3' });
    expect(routeAction('DELETE', '/api/whatever')).toMatchObject({ permission: 'change' });
    expect(routeAction('GET', '/api/audit')).toMatchObject({ permission: 'audit.read' });
    expect(routeAction('GET', '/api/incidents/INC-3/export.md')).toMatchObject({ permission: 'incident.export', target: 'INC-3' });
    expect(routeAction('GET', '/docs/RUN-x')).toEqual({ permission: 'read', action: null, target: '/docs/RUN-x' });
    expect(routeAction('GET', '/healthz')).toBeNull();
  });
});
