import type { Role } from './roles.ts';

/** How a request proved who it is. */
export type SignInMethod = 'token' | 'session' | 'proxy' | 'anonymous';

/** Who a request acts for: a name, the role it holds (null: none at all) and how it got it. */
export interface Principal {
  /** A user, a named token, `admin` for the printed token, or `anonymous@<address>`. */
  name: string;
  role: Role | null;
  via: SignInMethod;
}

/** The actor string a run or an incident event records. */
export function actorName(principal: Principal): string {
  return principal.name;
}

/** "alice (viewer)", "anonymous@127.0.0.1 (no role)": for refusals and the header. */
export function describePrincipal(principal: Principal): string {
  return `${principal.name} (${principal.role ?? 'no role'})`;
}
