import { describe, expect, it } from 'vitest';
import { splitImageReference, validateImageReference } from '../../../src/lib/procedures/image-reference.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('validateImageReference', () => {
  it.each([
    'alpine',
    'alpine:3.20',
    'skriptoteket-runner:latest',
    'library/python:3.13-slim',
    'ghcr.io/org/app:1.2',
    'localhost:5000/team/app_v2:dev-1',
    'registry.example.com:443/a/b/c',
    `alpine@${DIGEST}`,
    `ghcr.io/org/app:1.2@${DIGEST}`,
    'a__b/c-d--e.f',
  ])('accepts %s', (ref) => {
    expect(validateImageReference(ref)).toBeNull();
  });

  it('explains an uppercase repository path', () => {
    expect(validateImageReference('ghcr.io/Org/App:1.2')).toBe(
      'image reference "ghcr.io/Org/App:1.2" is not valid: the repository path must be lowercase; ' +
        'expected [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2',
    );
    expect(validateImageReference('Runner')).toContain('must be lowercase');
  });

  it('explains a bad digest', () => {
    expect(validateImageReference('alpine@sha256:abc')).toBe(
      'image reference "alpine@sha256:abc" has an invalid digest (expected @sha256: followed by 64 lowercase hex characters)',
    );
  });

  it.each(['', 'alpine:', ':latest', 'a b', 'app:-bad', 'app/', '-app', 'app:latest:again', 'https://ghcr.io/app'])(
    'rejects %j',
    (ref) => {
      expect(validateImageReference(ref)).toMatch(/^image reference .*(is not valid|is empty|contains whitespace)/);
    },
  );

  it('pins the generic message', () => {
    expect(validateImageReference('app:-bad')).toBe(
      'image reference "app:-bad" is not valid; expected [registry[:port]/]name[:tag][@sha256:digest], e.g. ghcr.io/org/app:1.2',
    );
  });
});

describe('splitImageReference', () => {
  it('splits registry/repository, tag and digest', () => {
    expect(splitImageReference('localhost:5000/app:dev')).toEqual({ repository: 'localhost:5000/app', tag: 'dev' });
    expect(splitImageReference('localhost:5000/app')).toEqual({ repository: 'localhost:5000/app' });
    expect(splitImageReference(`ghcr.io/org/app:1.2@${DIGEST}`)).toEqual({
      repository: 'ghcr.io/org/app',
      tag: '1.2',
      digest: DIGEST,
    });
  });
});
