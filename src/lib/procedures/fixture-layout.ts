import { h } from 'hastscript';
import type { ElementContent } from 'hast';
import { parseFixtureSpec, type FixtureSpec } from '../checks/index.ts';

type PlacedFile = FixtureSpec['files'][number];

/**
 * A fixture as what it is, the layout its system's app creates: one row per mount, file and
 * environment variable, so a reader sees the contract without reading YAML. Null for a
 * fixture that does not parse; its block shows the reason instead.
 */
export function fixtureLayoutTable(source: string, firstLine: number): ElementContent | null {
  const parsed = parseFixtureSpec(source, firstLine);
  if (!parsed.ok) return null;
  const { volumes, files, env, hardening } = parsed.spec;
  const row = (what: string, where: string, detail: string) => h('tr', [h('td', what), h('td', [h('code', where)]), h('td', detail)]);
  const rows = [
    ...volumes.map((volume) => row('volume', volume.path, 'a fresh volume for every run, removed after it')),
    ...files.map((file) => row(file.directory ? 'folder' : 'file', file.path, describeFile(file))),
    ...Object.entries(env).map(([name, value]) => row('env', name, value)),
    ...Object.entries(hardening).map(([key, value]) => row('hardening', key, Array.isArray(value) ? value.join(', ') : String(value))),
  ];
  return h('table', { className: ['fixture-layout'] }, [h('thead', [h('tr', [h('th', 'What'), h('th', 'Where'), h('th', 'Holds')])]), h('tbody', rows)]);
}

function describeFile(file: PlacedFile): string {
  const mode = file.mode !== undefined ? `, mode ${String(file.mode)}` : '';
  if (file.directory) return `an empty folder${mode}`;
  if (file.from !== undefined) return `${file.from} from the system's folder${mode}`;
  if (file.content !== undefined) return `text, ${Buffer.byteLength(file.content)} bytes${mode}`;
  const format = file.json !== undefined ? 'JSON' : 'YAML';
  const listed = listedFolders(file.json ?? file.yaml);
  return listed.length > 0 ? `${format} listing every file placed under ${listed.join(', ')}${mode}` : `${format}${mode}`;
}

// The folders an `$each_file` in the value lists, to say so in words.
function listedFolders(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(listedFolders);
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const each = record.$each_file as { under?: unknown } | undefined;
  if (each && typeof each.under === 'string') return [each.under];
  return Object.values(record).flatMap(listedFolders);
}
