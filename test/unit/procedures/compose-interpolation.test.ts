import { describe, expect, it } from 'vitest';
import { interpolate } from '../../../src/lib/procedures/compose-interpolation.ts';
import { lookupDeclared } from '../../../src/lib/procedures/declared-variables.ts';

const declared = lookupDeclared({ TAG: '1.2', EMPTY: '', BASE: 'python:3.13-slim' });
const expand = (text: string, dotenvPresent = false) => interpolate(text, { lookup: declared, where: 'compose.yaml: services.app.image', dotenvPresent });

describe('compose interpolation', () => {
  it('substitutes $VAR and ${VAR}, and keeps $$ as a literal $', () => {
    expect(expand('app:$TAG')).toEqual({ ok: true, value: 'app:1.2' });
    expect(expand('app:${TAG}-x')).toEqual({ ok: true, value: 'app:1.2-x' });
    expect(expand('cost $$5 and $${TAG}')).toEqual({ ok: true, value: 'cost $5 and ${TAG}' });
    expect(expand('no variables')).toEqual({ ok: true, value: 'no variables' });
  });

  it('applies the defaults and alternatives the way compose does for unset and empty values', () => {
    expect(expand('${MISSING:-fallback}')).toEqual({ ok: true, value: 'fallback' });
    expect(expand('${EMPTY:-fallback}')).toEqual({ ok: true, value: 'fallback' });
    expect(expand('${EMPTY-fallback}')).toEqual({ ok: true, value: '' });
    expect(expand('${MISSING-fallback}')).toEqual({ ok: true, value: 'fallback' });
    expect(expand('${TAG:+set}')).toEqual({ ok: true, value: 'set' });
    expect(expand('${EMPTY:+set}')).toEqual({ ok: true, value: '' });
    expect(expand('${EMPTY+set}')).toEqual({ ok: true, value: 'set' });
    expect(expand('${MISSING+set}')).toEqual({ ok: true, value: '' });
  });

  it('expands nested defaults only when they are used', () => {
    expect(expand('${MISSING:-${BASE}}')).toEqual({ ok: true, value: 'python:3.13-slim' });
    expect(expand('${TAG:-${UNDECLARED}}')).toEqual({ ok: true, value: '1.2' });
    expect(expand('${MISSING:-${ALSO_MISSING:-deep}}')).toEqual({ ok: true, value: 'deep' });
  });

  it('refuses a variable that is not declared, naming it and where it is used', () => {
    expect(expand('app:${VERSION}')).toEqual({
      ok: false,
      reason:
        'variable VERSION (used in compose.yaml: services.app.image) is not declared; declare VERSION under variables in the ' +
        "systems configuration (runbook-live never reads the server's environment)",
    });
  });

  it('refuses a required variable with the message the file gives', () => {
    expect(expand('${MISSING:?set the release tag}')).toEqual({
      ok: false,
      reason: 'compose.yaml: services.app.image: variable MISSING is required (set the release tag); declare MISSING under variables in the systems configuration',
    });
    expect(expand('${EMPTY:?}')).toMatchObject({ ok: false, reason: expect.stringContaining('variable EMPTY is required;') });
    expect(expand('${EMPTY?}')).toEqual({ ok: true, value: '' });
  });

  it('with a .env file in the project, refuses undeclared variables even where a default would apply', () => {
    expect(expand('${MISSING:-fallback}', true)).toEqual({
      ok: false,
      reason:
        "variable MISSING (used in compose.yaml: services.app.image) is not declared, and compose would look for it in the project's .env file, " +
        'which runbook-live does not read; declare MISSING under variables in the systems configuration',
    });
    expect(expand('${TAG:-fallback}', true)).toEqual({ ok: true, value: '1.2' });
  });

  it('refuses malformed templates', () => {
    expect(expand('price $5')).toEqual({ ok: false, reason: 'compose.yaml: services.app.image: "price $5" has a $ that starts no variable; write $$ for a literal $' });
    expect(expand('${TAG')).toEqual({ ok: false, reason: 'compose.yaml: services.app.image: "${TAG" has a ${ without its closing }' });
    expect(expand('${TAG/x/y}')).toMatchObject({ ok: false, reason: expect.stringContaining('which compose interpolation does not have') });
    expect(expand('${}')).toMatchObject({ ok: false, reason: expect.stringContaining('does not start with a variable name') });
  });
});
