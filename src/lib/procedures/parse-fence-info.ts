// Runme-style fence info: a language, then optional attributes in braces, e.g.
// `bash { name=build-runner interactive=false }`. Runme's own serialiser writes the
// JSON form `sh {"name":"x"}`, so that is accepted too. Braces may be left out.

/** Attribute values: bare `key` and unquoted true/false become booleans; everything else stays a string. */
export type FenceAnnotations = Record<string, string | boolean>;

/** The parsed info string; `lang` is kept even on error so the block can still be highlighted. */
export type FenceInfo =
  | { ok: true; lang: string | null; annotations: FenceAnnotations }
  | { ok: false; lang: string | null; error: string };

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*/;

/** Parses a fence info string such as `bash { name=build-runner }`, `yaml`, or empty. Never throws. */
export function parseFenceInfo(info: string | null | undefined): FenceInfo {
  const text = (info ?? '').trim();
  const lang = /^[^\s{]+/.exec(text)?.[0] ?? null;
  let rest = text.slice(lang?.length ?? 0).trim();
  const fail = (problem: string): FenceInfo => ({
    ok: false,
    lang,
    error: `fence info ${JSON.stringify(text)}: ${problem}; write attributes as { name=build-runner interactive=false }`,
  });
  if (rest.startsWith('{')) {
    if (!rest.endsWith('}')) return fail('the attributes start with { but have no closing }');
    if (rest.startsWith('{"')) return parseJsonAttributes(rest, lang, fail);
    rest = rest.slice(1, -1);
  }

  const entries = new Map<string, string | boolean>();
  let at = 0;
  while (at < rest.length) {
    const char = rest[at] ?? '';
    if (/[\s,]/.test(char)) {
      at += 1;
      continue;
    }
    const key = KEY.exec(rest.slice(at))?.[0];
    if (key === undefined) return fail(`unexpected ${JSON.stringify(char)} where an attribute name should start`);
    if (entries.has(key)) return fail(`attribute ${key} is given twice; keep one`);
    at += key.length;
    if (rest[at] !== '=') {
      entries.set(key, true);
      continue;
    }
    at += 1;
    const quote = rest[at];
    if (quote === '"' || quote === "'") {
      const value = readQuoted(rest, at);
      if (value === null) return fail(`the value of ${key} has no closing ${quote}`);
      entries.set(key, value.text);
      at = value.end;
      continue;
    }
    const bare = /^[^\s,{}"']+/.exec(rest.slice(at))?.[0];
    if (bare === undefined) return fail(`attribute ${key}= has no value; write ${key}=value or quote an empty value as ${key}=""`);
    entries.set(key, bare === 'true' ? true : bare === 'false' ? false : bare);
    at += bare.length;
  }
  return { ok: true, lang, annotations: Object.fromEntries(entries) };
}

// Reads a quoted value starting at text[start]; double quotes allow \" and \\ escapes.
function readQuoted(text: string, start: number): { text: string; end: number } | null {
  const quote = text[start];
  let value = '';
  for (let at = start + 1; at < text.length; at += 1) {
    const char = text[at] ?? '';
    if (char === quote) return { text: value, end: at + 1 };
    if (quote === '"' && char === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\')) {
      value += text[at + 1];
      at += 1;
    } else {
      value += char;
    }
  }
  return null;
}

function parseJsonAttributes(braced: string, lang: string | null, fail: (problem: string) => FenceInfo): FenceInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(braced);
  } catch {
    return fail('the attributes look like JSON but are not valid JSON');
  }
  const annotations: FenceAnnotations = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'boolean') {
      Object.defineProperty(annotations, key, { value, enumerable: true, writable: true, configurable: true });
    } else if (typeof value === 'number') {
      Object.defineProperty(annotations, key, { value: String(value), enumerable: true, writable: true, configurable: true });
    } else {
      return fail(`attribute ${key} must be a string, number or boolean`);
    }
  }
  return { ok: true, lang, annotations };
}
