import { afterEach, describe, expect, it } from 'vitest';
import { InvalidDocsContractError, loadContract, readContract } from '../../../src/lib/docs/load-contract.ts';
import { makeTempDocs, type TempDocs } from '../../support/temp-docs.ts';

let docs: TempDocs;
afterEach(() => docs?.cleanup());

const VALID = `version: 1
allowed_top_level: [adr, epics, _meta]
frontmatter_exempt: [README.md]
frontmatter:
  common_required: [type, id, title, status, owners, created]
  common_optional: [updated]
types:
  epic:
    folder: epics
    filename_regex: '^epic-\\d{2}-[a-z-]+\\.md$'
    id_regex: '^EPIC-\\d{2}$'
    status_allowed: [planned, done]
    required: []
    optional: []
`;

describe('loadContract', () => {
  it('falls back to the built-in default when the folder has no contract', () => {
    docs = makeTempDocs();
    const contract = loadContract(docs.dir);
    expect(contract.source).toBeNull();
    expect(contract.types.map((t) => t.name)).toEqual(['runbook', 'adr', 'reference', 'incident']);
  });

  it('reads types other than runbook/adr/reference from the contract', () => {
    docs = makeTempDocs();
    docs.write('_meta/docs-contract.yaml', VALID);
    const contract = loadContract(docs.dir);
    expect(contract.source).toBe('_meta/docs-contract.yaml');
    expect(contract.types).toHaveLength(1);
    expect(contract.types[0]).toMatchObject({ name: 'epic', folder: 'epics', statusAllowed: ['planned', 'done'] });
    expect(contract.types[0]!.idRegex.test('EPIC-07')).toBe(true);
  });

  it('accepts folders written relative to the repository (docs/adr) when the docs folder is docs/ in it', () => {
    docs = makeTempDocs();
    docs.write('_meta/docs-contract.yaml', VALID.replace('folder: epics', 'folder: docs/epics').replace('[adr, epics, _meta]', '[docs/adr, epics, docs/_meta]'));
    const contract = loadContract(docs.dir, 'docs');
    expect(contract.types[0]!.folder).toBe('epics');
    expect(contract.allowedTopLevel).toEqual(['adr', 'epics', '_meta']);
    // The same words in a docs folder that is the repository itself name a folder docs/.
    expect(loadContract(docs.dir, '').types[0]!.folder).toBe('docs/epics');
  });

  it('reads frontmatter delimiters, and warns of unknown keys by name and line without refusing the contract', () => {
    docs = makeTempDocs();
    docs.write('_meta/docs-contract.yaml', VALID.replace('  common_optional: [updated]', '  common_optional: [updated]\n  delimiters: ["+++", "+++"]').replace('    optional: []', '    optional: []\n    template: tpl.md') + 'validator: scripts/check_docs.py\n');
    const read = readContract(docs.dir);
    expect(read.problems).toEqual([]);
    expect(read.contract.delimiters).toEqual(['+++', '+++']);
    expect(read.warnings).toEqual([
      { message: "unknown key 'validator' is ignored; this version knows the keys listed under \"Docs contract\" in the README", line: 17 },
      { message: "unknown key 'types.epic.template' is ignored; this version knows the keys listed under \"Docs contract\" in the README", line: 16 },
    ]);
  });

  it('names every invalid field of a contract and says what to do', () => {
    docs = makeTempDocs();
    docs.write('_meta/docs-contract.yaml', VALID.replace("id_regex: '^EPIC-\\d{2}$'", () => "id_regex: '^EPIC-(\\d{2}$'").replace('status_allowed: [planned, done]', 'status_allowed: []'));
    expect(() => loadContract(docs.dir)).toThrow(InvalidDocsContractError);
    try {
      loadContract(docs.dir);
    } catch (error) {
      const problems = (error as InvalidDocsContractError).problems;
      expect(problems).toContain('types.epic.id_regex: must be a valid regular expression');
      expect(problems).toContain('types.epic.status_allowed: list at least one status');
      expect((error as Error).message).toContain('_meta/docs-contract.yaml is not a valid docs contract');
      expect((error as Error).message).toContain('delete it to use the built-in default');
    }
  });

  it('warns of an unknown key but refuses unparsable YAML, with the line', () => {
    docs = makeTempDocs();
    docs.write('_meta/docs-contract.yaml', `${VALID}colour: blue\n`);
    expect(readContract(docs.dir).warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^unknown key 'colour' is ignored/)]);
    expect(loadContract(docs.dir).types).toHaveLength(1);
    docs.write('_meta/docs-contract.yaml', 'version: [1\n');
    expect(() => loadContract(docs.dir)).toThrow(/YAML does not parse/);
    expect(readContract(docs.dir).problems[0]).toMatchObject({ message: expect.stringMatching(/^YAML does not parse: /), line: expect.any(Number) });
  });
});
