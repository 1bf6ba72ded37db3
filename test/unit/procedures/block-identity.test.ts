import { describe, expect, it } from 'vitest';
import { blockIdentity, hashBlockSource } from '../../../src/lib/procedures/block-identity.ts';

const BUILD = 'docker build -f Dockerfile.runner -t skriptoteket-runner:latest .';

describe('hashBlockSource', () => {
  it('is the first 16 hex characters of the sha256 of the exact text', () => {
    expect(hashBlockSource(BUILD)).toBe('69e76200ca5f2785');
    expect(hashBlockSource(`${BUILD}\n`)).toBe('4ccfc4fa0f048ad8');
    expect(hashBlockSource('')).toBe('e3b0c44298fc1c14');
  });
});

describe('blockIdentity', () => {
  it('uses the name attribute when given', () => {
    expect(blockIdentity({ docId: 'runner', name: 'build-runner', headingSlug: 'build', index: 2, source: BUILD })).toEqual({
      ok: true,
      id: 'runner/build-runner',
      hash: '69e76200ca5f2785',
    });
  });

  it('falls back to the heading slug and a 1-based position', () => {
    const identity = blockIdentity({ docId: 'runner', headingSlug: 'build-the-image', index: 0, source: BUILD });
    expect(identity).toEqual({ ok: true, id: 'runner/build-the-image-1', hash: '69e76200ca5f2785' });
    expect(blockIdentity({ docId: 'runner', headingSlug: 'build-the-image', index: 1, source: 'x' })).toMatchObject({
      id: 'runner/build-the-image-2',
    });
  });

  it("uses 'top' before the first heading", () => {
    expect(blockIdentity({ docId: 'ops/deploy', index: 0, source: BUILD })).toMatchObject({ id: 'ops/deploy/top-1' });
    expect(blockIdentity({ docId: 'ops/deploy', headingSlug: '', index: 2, source: BUILD })).toMatchObject({
      id: 'ops/deploy/top-3',
    });
  });

  it('rejects names outside the allowed alphabet', () => {
    expect(blockIdentity({ docId: 'runner', name: 'build runner', index: 0, source: BUILD })).toEqual({
      ok: false,
      error:
        'block name "build runner" in runner is not valid; use letters, digits, ".", "_" or "-", ' +
        'starting with a letter or digit, e.g. name=build-runner',
    });
    expect(blockIdentity({ docId: 'runner', name: '-x', index: 0, source: BUILD }).ok).toBe(false);
    expect(blockIdentity({ docId: 'runner', name: 'Build.Runner_2', index: 0, source: BUILD })).toMatchObject({
      id: 'runner/Build.Runner_2',
    });
  });

  it('rejects a bare name attribute, an empty docId and a bad index', () => {
    expect(blockIdentity({ docId: 'runner', name: true, index: 0, source: BUILD })).toEqual({
      ok: false,
      error: 'block name attribute in runner has no value; write it as name=build-runner',
    });
    expect(blockIdentity({ docId: '', index: 0, source: BUILD }).ok).toBe(false);
    expect(blockIdentity({ docId: 'runner', index: -1, source: BUILD })).toEqual({
      ok: false,
      error: 'block index -1 is not valid; expected a 0-based integer position under its heading',
    });
  });
});
