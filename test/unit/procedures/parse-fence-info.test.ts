import { describe, expect, it } from 'vitest';
import { parseFenceInfo } from '../../../src/lib/procedures/parse-fence-info.ts';

describe('parseFenceInfo', () => {
  it('parses a language with Runme attributes in braces', () => {
    expect(parseFenceInfo('bash { name=build-runner }')).toEqual({
      ok: true,
      lang: 'bash',
      annotations: { name: 'build-runner' },
    });
  });

  it('unquotes values and turns bare true/false into booleans', () => {
    expect(parseFenceInfo('sh {name="x" interactive=false}')).toEqual({
      ok: true,
      lang: 'sh',
      annotations: { name: 'x', interactive: false },
    });
    expect(parseFenceInfo('yaml { check=true name=smoke }')).toEqual({
      ok: true,
      lang: 'yaml',
      annotations: { check: true, name: 'smoke' },
    });
  });

  it('keeps quoted "true" as a string and makes a bare key true', () => {
    expect(parseFenceInfo(`bash { label="true" excludeFromRunAll title='a b' }`)).toEqual({
      ok: true,
      lang: 'bash',
      annotations: { label: 'true', excludeFromRunAll: true, title: 'a b' },
    });
  });

  it('handles escapes inside double-quoted values', () => {
    const parsed = parseFenceInfo('bash { title="say \\"hi\\" \\\\ bye" }');
    expect(parsed).toEqual({ ok: true, lang: 'bash', annotations: { title: 'say "hi" \\ bye' } });
  });

  it('returns no language and no attributes for an empty or missing info string', () => {
    expect(parseFenceInfo('')).toEqual({ ok: true, lang: null, annotations: {} });
    expect(parseFenceInfo(undefined)).toEqual({ ok: true, lang: null, annotations: {} });
    expect(parseFenceInfo('bash')).toEqual({ ok: true, lang: 'bash', annotations: {} });
  });

  it('accepts attributes without a language, and without braces', () => {
    expect(parseFenceInfo('{ name=x }')).toEqual({ ok: true, lang: null, annotations: { name: 'x' } });
    expect(parseFenceInfo('bash name=x')).toEqual({ ok: true, lang: 'bash', annotations: { name: 'x' } });
  });

  it("accepts the JSON attributes Runme's serialiser writes", () => {
    expect(parseFenceInfo('sh {"name":"x","interactive":false,"retries":3}')).toEqual({
      ok: true,
      lang: 'sh',
      annotations: { name: 'x', interactive: false, retries: '3' },
    });
  });

  it('returns an error value, keeping the language, for malformed attributes', () => {
    expect(parseFenceInfo('bash { name=x')).toEqual({
      ok: false,
      lang: 'bash',
      error:
        'fence info "bash { name=x": the attributes start with { but have no closing }; ' +
        'write attributes as { name=build-runner interactive=false }',
    });
    const unterminated = parseFenceInfo('bash { name="x }');
    expect(unterminated.ok).toBe(false);
    expect(!unterminated.ok && unterminated.error).toContain('the value of name has no closing "');
    const duplicate = parseFenceInfo('bash { name=a name=b }');
    expect(!duplicate.ok && duplicate.error).toContain('attribute name is given twice; keep one');
    const empty = parseFenceInfo('bash { name= }');
    expect(!empty.ok && empty.error).toContain('attribute name= has no value');
    const stray = parseFenceInfo('bash { =x }');
    expect(!stray.ok && stray.error).toContain('unexpected "=" where an attribute name should start');
    const json = parseFenceInfo('bash {"name": }');
    expect(!json.ok && json.error).toContain('the attributes look like JSON but are not valid JSON');
  });
});
