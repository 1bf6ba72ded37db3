import { authorize, type Principal } from '../auth/index.ts';

/** What the page header shows about who is signed in, and what the pages' controls need. */
export interface SessionView {
  /** "alice (operator, via proxy)", or "not signed in (viewer)". */
  who: string;
  signedIn: boolean;
  /** Only a cookie session can be ended from the page; a proxy or a token cannot. */
  canSignOut: boolean;
  /** Why Run and the incident actions are disabled; null when they are not. */
  operatorRefusal: string | null;
  canReadAudit: boolean;
  csrfToken: string;
}

const HOW: Record<Principal['via'], string> = { token: 'API token', session: 'sign-in link', proxy: 'sign-in proxy', anonymous: 'not signed in' };

/** The header's session view for a principal. */
export function sessionView(principal: Principal, csrfToken: string | null): SessionView {
  const signedIn = principal.via !== 'anonymous';
  const refusal = authorize(principal, 'run.start');
  return {
    who: signedIn ? `${principal.name} (${principal.role ?? 'no role'}, via ${HOW[principal.via]})` : `not signed in (${principal.role ?? 'no role'})`,
    signedIn,
    canSignOut: principal.via === 'session',
    operatorRefusal: refusal ? (signedIn ? `Running needs the operator role; you are ${principal.name} (${principal.role ?? 'no role'})` : 'Running needs the operator role — sign in') : null,
    canReadAudit: authorize(principal, 'audit.read') === null,
    csrfToken: csrfToken ?? '',
  };
}
