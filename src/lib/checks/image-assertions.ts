import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { ImageDetails } from '../docker/index.ts';
import { excerpt, skipped, verdict, type Judgement } from './judgement.ts';

// Assertions on the image's configuration (`docker image inspect` → Config), in the manner of
// container-structure-test's metadata tests. Every `image_<fact>` kind takes one matcher:
//
//   equals    the fact is exactly this (text, list or map, as the fact is)
//   contains  text: has this substring; list: has every listed item; map: has every listed entry
//   matches   text: matches this regular expression; list: some item matches it;
//             map: { KEY: regex }, each key is set and its value matches
//
// A bare value means equals for text and list facts (`image_user: "10001"`,
// `image_cmd: [python3]`). Maps always name their matcher: a bare map could not be told
// apart from a matcher whose label key happens to be called `equals`.

const MATCHERS = ['equals', 'contains', 'matches'] as const;
type MatcherName = (typeof MATCHERS)[number];

// YAML reads `USER 10001` or a label `"2"` written unquoted as a number; the image has text.
const asText = (value: unknown) => (typeof value === 'number' || typeof value === 'boolean' ? String(value) : value);
const textValue = z.preprocess(asText, z.string({ error: 'must be text, a number or true/false' }));

const regexSource = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

/** `8080`, `8080/udp`; a port without a protocol is TCP, as the engine records it. */
const portValue = z
  .preprocess(asText, z.string({ error: 'write a port like 8080 or 8080/udp' }).regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/i, 'write a port like 8080 or 8080/udp'))
  .transform((port) => (port.includes('/') ? port.toLowerCase() : `${port}/tcp`));

/** One item or a list of them, always a list once parsed: `contains: 8080` or `contains: [8080, 9090]`. */
const oneOrMore = <T extends z.ZodType>(item: T) => z.preprocess((value) => (Array.isArray(value) ? value : [value]), z.array(item).min(1, 'list at least one item'));

function matcher<E extends z.ZodType, C extends z.ZodType, M extends z.ZodType>(example: string, equals: E, contains: C, matches: M) {
  return z
    .strictObject({ equals: equals.optional(), contains: contains.optional(), matches: matches.optional() })
    .superRefine((given, ctx) => {
      const names = MATCHERS.filter((name) => (given as Record<string, unknown>)[name] !== undefined);
      if (names.length === 1) return;
      const got = names.length === 0 ? 'none was given' : `got ${names.join(' and ')}`;
      ctx.addIssue({ code: 'custom', message: `give exactly one of equals, contains or matches (${got}), e.g. ${example}` });
    });
}

const isPlainObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Lets `image_user: "10001"` stand for `image_user: { equals: "10001" }`. */
const bareMeansEquals = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (isPlainObject(value) ? value : { equals: value }), schema);

const textMatcher = (example: string) => bareMeansEquals(matcher(example, textValue, textValue, regexSource));
const listMatcher = <T extends z.ZodType>(item: T, example: string) => bareMeansEquals(matcher(example, z.array(item), oneOrMore(item), regexSource));
const mapMatcher = (example: string) => {
  const entries = <T extends z.ZodType>(value: T) => z.record(z.string().min(1), value);
  const someEntries = <T extends z.ZodType>(value: T) => entries(value).refine((map) => Object.keys(map).length > 0, 'name at least one key');
  return matcher(example, entries(textValue), someEntries(textValue), someEntries(regexSource));
};

/** The image kinds of an expectation; check-spec-schema spreads these into the assertion schema. */
export const imageAssertionShape = {
  /** The image's USER is set and is not root (`0`, `root`). */
  image_user_not_root: z.literal(true).optional(),
  /** The image's ENV sets this variable, to anything. */
  image_env_present: z.string().min(1).optional(),
  /** Config.Env, as a map of name to value. */
  image_env: mapMatcher('image_env: { contains: { PYTHONUNBUFFERED: "1" } }').optional(),
  /** Config.Labels. */
  image_labels: mapMatcher('image_labels: { contains: { org.example.version: "2" } }').optional(),
  /** Config.Entrypoint, as an argv list; order counts for equals. */
  image_entrypoint: listMatcher(z.string(), 'image_entrypoint: { equals: [python3, /app/run.py] }').optional(),
  /** Config.Cmd, as an argv list; order counts for equals. */
  image_cmd: listMatcher(z.string(), 'image_cmd: { contains: --verbose }').optional(),
  /** Config.WorkingDir. */
  image_workdir: textMatcher('image_workdir: { equals: /srv/app }').optional(),
  /** Config.ExposedPorts, as `8080/tcp` entries; order does not count. */
  image_exposed_ports: listMatcher(portValue, 'image_exposed_ports: { contains: [8080] }').optional(),
  /** Config.Volumes, as mount paths; order does not count. */
  image_volumes: listMatcher(z.string().startsWith('/', 'a volume is an absolute path, like /data'), 'image_volumes: { contains: /data }').optional(),
  /** Config.User, `''` when the image sets none. */
  image_user: textMatcher('image_user: { equals: "10001" }').optional(),
};

/** The image kind keys, in the order the README lists them. */
export const IMAGE_ASSERTION_KINDS = [
  'image_user_not_root', 'image_env_present',
  'image_env', 'image_labels', 'image_entrypoint', 'image_cmd', 'image_workdir', 'image_exposed_ports', 'image_volumes', 'image_user',
] as const;

const imageAssertionSchema = z.object(imageAssertionShape);
/** The image part of an expectation, as validated. */
export type ImageAssertionSpec = z.output<typeof imageAssertionSchema>;

type MatchedKind = Exclude<(typeof IMAGE_ASSERTION_KINDS)[number], 'image_user_not_root' | 'image_env_present'>;

/** How a fact is compared: text, an argv list (order counts), a set, or a map of keys to text. */
type Fact =
  | { shape: 'text'; read: (image: ImageDetails) => string }
  | { shape: 'list' | 'set'; read: (image: ImageDetails) => string[] }
  | { shape: 'map'; read: (image: ImageDetails) => Record<string, string> };

/** Each kind's fact: what a label calls it, how it compares, and where it is in the inspected image. */
const FACTS: Record<MatchedKind, Fact & { title: string; plural?: true }> = {
  image_env: { title: 'ENV', shape: 'map', read: (image) => image.env },
  image_labels: { title: 'labels', plural: true, shape: 'map', read: (image) => image.labels },
  image_entrypoint: { title: 'ENTRYPOINT', shape: 'list', read: (image) => image.entrypoint },
  image_cmd: { title: 'CMD', shape: 'list', read: (image) => image.cmd },
  image_workdir: { title: 'WORKDIR', shape: 'text', read: (image) => image.workingDir },
  image_exposed_ports: { title: 'exposed ports', plural: true, shape: 'set', read: (image) => image.exposedPorts },
  image_volumes: { title: 'volumes', plural: true, shape: 'set', read: (image) => image.volumes },
  image_user: { title: 'USER', shape: 'text', read: (image) => image.user },
};

/** A validated matcher: exactly one of its keys is set, with an operand shaped like the fact. */
type Matcher = Partial<Record<MatcherName, unknown>>;

function matchedKindOf(spec: ImageAssertionSpec): { kind: MatchedKind; name: MatcherName; operand: unknown } | null {
  const kind = (Object.keys(FACTS) as MatchedKind[]).find((key) => spec[key] !== undefined);
  if (!kind) return null;
  const given = spec[kind] as Matcher;
  const name = MATCHERS.find((key) => given[key] !== undefined)!;
  return { kind, name, operand: given[name] };
}

/** What an image assertion claims, for its label; null when the spec has no image kind. */
export function imageAssertionLabel(spec: ImageAssertionSpec): string | null {
  if (spec.image_user_not_root) return 'image user is not root';
  if (spec.image_env_present !== undefined) return `image sets ${spec.image_env_present}`;
  const matched = matchedKindOf(spec);
  if (!matched) return null;
  const { kind, name, operand } = matched;
  const { title, plural, shape } = FACTS[kind];
  const is = plural ? 'are' : 'is';
  if (shape === 'map') {
    const map = operand as Record<string, string>;
    if (name === 'equals') return `image ${title} ${is} exactly ${entriesText(map)}`;
    return `image ${title} ${plural ? 'have' : 'has'} ${name === 'contains' ? entriesText(map) : patternsText(map)}`;
  }
  if (shape === 'text') {
    return `image ${title} ${name === 'equals' ? 'is' : name} ${name === 'matches' ? `/${operand as string}/` : JSON.stringify(operand)}`;
  }
  if (name === 'equals') return `image ${title} ${is} ${JSON.stringify(operand)}`;
  const include = plural ? 'include' : 'includes';
  if (name === 'contains') return `image ${title} ${include} ${JSON.stringify(operand)}`;
  return `image ${title} ${include} an item matching /${operand as string}/`;
}

/** Judges an image assertion against the inspected image; null when the spec has no image kind. */
export function judgeImageAssertion(spec: ImageAssertionSpec, image: ImageDetails | null): Judgement | null {
  const isImageKind = IMAGE_ASSERTION_KINDS.some((key) => spec[key] !== undefined);
  if (!isImageKind) return null;
  if (!image) return skipped('the image could not be inspected');
  if (spec.image_user_not_root) return verdict(!isRootUser(image.user), 'a non-root USER', image.user || '(none, so root)');
  if (spec.image_env_present !== undefined) {
    const name = spec.image_env_present;
    const present = Object.hasOwn(image.env, name);
    return verdict(present, `${name} in ENV`, present ? `${name}=${image.env[name]}` : 'not set');
  }
  const { kind, name, operand } = matchedKindOf(spec)!;
  const fact = FACTS[kind];
  if (fact.shape === 'text') return judgeText(name, operand as string, fact.read(image));
  if (fact.shape === 'map') return judgeMap(name, operand as Record<string, string>, fact.read(image));
  return judgeList(name, operand, fact.read(image), fact.shape === 'list');
}

function judgeText(name: MatcherName, operand: string, actual: string): Judgement {
  const shown = actual === '' ? '(not set)' : JSON.stringify(actual);
  if (name === 'equals') return verdict(actual === operand, JSON.stringify(operand), shown);
  if (name === 'contains') return verdict(actual.includes(operand), `contains ${JSON.stringify(operand)}`, shown);
  return verdict(new RegExp(operand).test(actual), `matches /${operand}/`, shown);
}

function judgeList(name: MatcherName, operand: unknown, actual: string[], ordered: boolean): Judgement {
  const shown = JSON.stringify(actual);
  if (name === 'equals') {
    const wanted = operand as string[];
    // Ports and volumes are sets in the image config; an argv list is not.
    const same = ordered ? isDeepStrictEqual(actual, wanted) : isDeepStrictEqual([...new Set(actual)].sort(), [...new Set(wanted)].sort());
    return verdict(same, JSON.stringify(wanted), shown);
  }
  if (name === 'contains') {
    const wanted = operand as string[];
    const missing = wanted.filter((item) => !actual.includes(item));
    return verdict(missing.length === 0, `includes ${JSON.stringify(wanted)}`, missing.length === 0 ? shown : `${shown}, without ${missing.map((m) => JSON.stringify(m)).join(', ')}`);
  }
  const pattern = new RegExp(operand as string);
  return verdict(actual.some((item) => pattern.test(item)), `an item matching /${operand as string}/`, shown);
}

function judgeMap(name: MatcherName, operand: Record<string, string>, actual: Record<string, string>): Judgement {
  if (name === 'equals') return verdict(isDeepStrictEqual({ ...actual }, { ...operand }), excerpt(entriesText(operand)), excerpt(entriesText(actual)));
  const keys = Object.keys(operand);
  const holds = (key: string) =>
    Object.hasOwn(actual, key) && (name === 'contains' ? actual[key] === operand[key] : new RegExp(operand[key]!).test(actual[key]!));
  const wrong = keys.filter((key) => !holds(key));
  const seen = (key: string) => (Object.hasOwn(actual, key) ? `${key}=${actual[key]}` : `${key} not set`);
  const expected = name === 'contains' ? entriesText(operand) : patternsText(operand);
  return verdict(wrong.length === 0, expected, (wrong.length === 0 ? keys : wrong).map(seen).join(', '));
}

function entriesText(map: Record<string, string>): string {
  const entries = Object.entries(map);
  return entries.length === 0 ? '(none)' : entries.map(([key, value]) => `${key}=${value}`).join(', ');
}

function patternsText(map: Record<string, string>): string {
  return Object.entries(map)
    .map(([key, pattern]) => `${key} matching /${pattern}/`)
    .join(', ');
}

function isRootUser(user: string): boolean {
  const name = user.split(':')[0] ?? '';
  return name === '' || name === '0' || name === 'root';
}
