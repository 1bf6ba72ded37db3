// Mirrors the grammar of github.com/distribution/reference closely enough to reject
// anything the engine would reject, so operators get the error before a run starts.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';

const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?(?<path>${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(?<tag>${TAG}))?(?:@(?<digest>${DIGEST}))?$`,
);

const EXPECTED = 'expected [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2';

/** The pieces of a valid image reference (the repository includes any registry). */
export type ImageReference = { repository: string; tag?: string; digest?: string };

/**
 * Validates an image reference like `ghcr.io/org/app:1.2` or `alpine@sha256:…`.
 * Returns null when valid, else a message saying what is wrong and what is expected.
 */
export function validateImageReference(ref: string): string | null {
  if (ref === '') return `image reference is empty; ${EXPECTED}`;
  if (/\s/.test(ref)) return `image reference ${JSON.stringify(ref)} contains whitespace; ${EXPECTED}`;
  if (ref.length > 512) return `image reference is ${ref.length} characters long; keep it under 512`;
  if (REFERENCE.test(ref)) {
    const name = ref.replace(/@.*$/, '').replace(/:[^/]*$/, '');
    if (name.length > 255) return `image name ${JSON.stringify(name)} is longer than 255 characters`;
    return null;
  }
  if (REFERENCE.test(lowercaseRepository(ref))) {
    return `image reference ${JSON.stringify(ref)} is not valid: the repository path must be lowercase; ${EXPECTED}`;
  }
  const digestAt = ref.indexOf('@');
  if (digestAt !== -1 && !new RegExp(`^${DIGEST}$`).test(ref.slice(digestAt + 1))) {
    return `image reference ${JSON.stringify(ref)} has an invalid digest (expected @sha256: followed by 64 lowercase hex characters)`;
  }
  return `image reference ${JSON.stringify(ref)} is not valid; ${EXPECTED}`;
}

/** Splits a reference already accepted by validateImageReference into repository, tag and digest. */
export function splitImageReference(ref: string): ImageReference {
  const match = REFERENCE.exec(ref);
  const tag = match?.groups?.tag;
  const digest = match?.groups?.digest;
  let repository = digest === undefined ? ref : ref.slice(0, ref.indexOf('@'));
  if (tag !== undefined) repository = repository.slice(0, -(tag.length + 1));
  return {
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

// Lowercases only the repository path so an uppercase path can be told apart from other
// mistakes (registries and tags may legitimately contain uppercase letters).
function lowercaseRepository(ref: string): string {
  const [beforeDigest = '', digest] = ref.split('@', 2);
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const tagAt = colon > slash ? colon : beforeDigest.length;
  const firstSlash = beforeDigest.indexOf('/');
  const first = firstSlash === -1 ? '' : beforeDigest.slice(0, firstSlash);
  const hasDomain = first !== '' && (/[.:]/.test(first) || first === 'localhost');
  const pathStart = hasDomain ? firstSlash + 1 : 0;
  const lowered =
    beforeDigest.slice(0, pathStart) + beforeDigest.slice(pathStart, tagAt).toLowerCase() + beforeDigest.slice(tagAt);
  return digest === undefined ? lowered : `${lowered}@${digest}`;
}
