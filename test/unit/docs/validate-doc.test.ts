import { describe, expect, it } from 'vitest';
import { resolveContract } from '../../../src/lib/docs/load-contract.ts';
import { defaultDocsContract } from '../../../src/lib/docs/default-contract.ts';
import { parseFrontmatter } from '../../../src/lib/docs/parse-frontmatter.ts';
import { validateDoc } from '../../../src/lib/docs/validate-doc.ts';
import { doc } from '../../support/temp-docs.ts';

const contract = resolveContract(defaultDocsContract, null, '/nonexistent');
const validAdr = { type: 'adr', id: 'ADR-0013', title: 'Volumes', status: 'accepted', owners: 'platform', created: '2026-01-02' };

function check(path: string, source: string) {
  return validateDoc(path, parseFrontmatter(source), contract);
}
function rules(path: string, source: string) {
  return check(path, source).violations.map((v) => v.rule);
}

describe('validateDoc', () => {
  it('accepts a valid ADR and reads its fields', () => {
    const record = check('adr/adr-0013-volumes.md', doc(validAdr));
    expect(record.violations).toEqual([]);
    expect(record).toMatchObject({ id: 'ADR-0013', type: 'adr', title: 'Volumes', status: 'accepted', owners: ['platform'], created: '2026-01-02' });
  });

  it('takes unquoted YAML dates and owner lists', () => {
    const source = '---\ntype: adr\nid: ADR-0013\ntitle: T\nstatus: accepted\nowners: [a, b]\ncreated: 2026-01-02\n---\nBody';
    expect(check('adr/adr-0013-x.md', source)).toMatchObject({ created: '2026-01-02', owners: ['a', 'b'], violations: [] });
  });

  it('reports a folder that is not allowed at the top level', () => {
    expect(rules('notes/x.md', doc(validAdr))).toContain('folder-not-allowed');
  });

  it('reports a type that does not match the folder', () => {
    const [violation] = check('adr/adr-0013-x.md', doc({ ...validAdr, type: 'runbook' })).violations;
    expect(violation).toMatchObject({ rule: 'type-mismatch', field: 'type', message: "type is 'runbook' but files in adr/ are type 'adr'" });
  });

  it('reports a file name that breaks filename_regex', () => {
    const [violation] = check('adr/0013.md', doc(validAdr)).violations;
    expect(violation?.message).toBe("file name '0013.md' does not match adr's filename_regex ^adr-\\d{4}-[a-z0-9][a-z0-9-]*\\.md$");
  });

  it('reports an id that breaks id_regex or disagrees with the file name', () => {
    expect(rules('adr/adr-0013-x.md', doc({ ...validAdr, id: 'ADR-13' }))).toEqual(['id-mismatch', 'id-filename-mismatch']);
    const [violation] = check('adr/adr-0014-x.md', doc(validAdr)).violations;
    expect(violation?.message).toBe("id 'ADR-0013' does not match the file name, which implies 'ADR-0014'");
    expect(check('runbooks/runbook-x.md', doc({ ...validAdr, type: 'runbook', id: 'RUN-y', status: 'active', system: 's' })).violations[0]?.message)
      .toBe("id 'RUN-y' does not match the file name, which implies 'RUN-x'");
    expect(check('reference/ref-x.md', doc({ ...validAdr, type: 'reference', id: 'REF-x', status: 'active' })).violations).toEqual([]);
  });

  it('reports a status the type does not allow, listing the allowed ones', () => {
    const [violation] = check('adr/adr-0013-x.md', doc({ ...validAdr, status: 'wip' })).violations;
    expect(violation?.message).toBe("status 'wip' is not allowed for type adr; allowed: proposed, accepted, deprecated, superseded");
  });

  it('reports dates that are not ISO dates', () => {
    const record = check('adr/adr-0013-x.md', doc({ ...validAdr, created: '26/11/2026', updated: '2026-02-30' }));
    expect(record.violations.map((v) => v.message)).toEqual([
      "created '26/11/2026' is not an ISO date; write it as YYYY-MM-DD",
      "updated '2026-02-30' is not an ISO date; write it as YYYY-MM-DD",
    ]);
  });

  it('reports owners that are not a string or a list of strings', () => {
    expect(rules('adr/adr-0013-x.md', doc({ ...validAdr, owners: [1, 2] }))).toEqual(['owners-invalid']);
  });

  it('reports missing required keys and unknown keys', () => {
    const { owners: _owners, ...withoutOwners } = validAdr;
    const record = check('adr/adr-0013-x.md', doc({ ...withoutOwners, colour: 'blue' }));
    expect(record.violations.map((v) => [v.rule, v.field])).toEqual([
      ['required-missing', 'owners'],
      ['unknown-key', 'colour'],
    ]);
    expect(check('runbooks/runbook-x.md', doc({ ...validAdr, type: 'runbook', id: 'RUN-x', status: 'active' })).violations[0]?.message)
      .toBe("required key 'system' is missing (type runbook requires: type, id, title, status, owners, created, system)");
  });

  it('reports a file without frontmatter, and unreadable YAML, without throwing', () => {
    expect(rules('adr/adr-0013-x.md', '# Just markdown\n')).toEqual(['frontmatter-missing']);
    const broken = check('adr/adr-0013-x.md', '---\ntitle: [oops\n---\nBody\n');
    expect(broken.violations[0]?.rule).toBe('frontmatter-unreadable');
    expect(broken.id).toBe('ADR-0013');
    expect(broken.body).toBe('Body\n');
  });

  it('reports a file in a folder no type owns', () => {
    expect(check('_meta/notes.md', doc(validAdr)).violations[0]?.message).toMatch(/^no doc type owns '_meta\/'; move the file/);
  });

  it('refuses ids that could not be used safely in a URL', () => {
    const record = check('adr/adr-0013-x.md', doc({ ...validAdr, id: '../../etc/passwd' }));
    expect(record.violations.map((v) => v.rule)).toContain('id-unsafe');
    expect(record.id).toBe('ADR-0013');
  });

  it('accepts the seed runbook as written', () => {
    const seed = '---\ntype: runbook\nid: RUN-runner-image\ntitle: "Runbook"\nstatus: active\nowners: "agents"\ncreated: 2025-12-24\nsystem: "skriptoteket-runner"\nlinks: ["ADR-0013"]\n---\n## When\n';
    expect(check('runbooks/runbook-runner-image.md', seed).violations).toEqual([]);
  });
});
