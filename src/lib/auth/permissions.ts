import type { Principal } from './principal.ts';
import { roleSatisfies, type Role } from './roles.ts';

/** Everything that needs more than reading, with the role it needs and how a refusal names it. */
export const PERMISSIONS = {
  'run.start': { role: 'operator', needs: 'Starting runs' },
  'run.cancel': { role: 'operator', needs: 'Cancelling runs' },
  'checks.run-all': { role: 'operator', needs: 'Running all checks' },
  'runbook.start': { role: 'operator', needs: 'Running runbooks' },
  'runbook.cancel': { role: 'operator', needs: 'Cancelling runbook runs' },
  'incident.acknowledge': { role: 'operator', needs: 'Acknowledging incidents' },
  'incident.note': { role: 'operator', needs: 'Annotating incidents' },
  'incident.resolve': { role: 'operator', needs: 'Resolving incidents' },
  'incident.export': { role: 'operator', needs: 'Exporting incidents' },
  'audit.read': { role: 'admin', needs: 'Reading the audit log' },
  read: { role: 'viewer', needs: 'Reading this site' },
  /** Anything that changes state and is not listed above. */
  change: { role: 'admin', needs: 'This change' },
} as const satisfies Record<string, { role: Role; needs: string }>;

/** A name for something a principal may or may not do. */
export type Permission = keyof typeof PERMISSIONS | 'sign-out';

/** Why a principal may not do something: not signed in (401) or signed in without the role (403). */
export type Refusal = { status: 401 | 403; code: 'SignInRequired' | 'RoleRequired'; message: string; role: Role };

/** Null when the principal may; otherwise the refusal, naming the role needed and who the principal is. */
export function authorize(principal: Principal, permission: Permission): Refusal | null {
  // Anyone may end their own session.
  if (permission === 'sign-out') return null;
  const { role, needs } = PERMISSIONS[permission];
  if (roleSatisfies(principal.role, role)) return null;
  if (principal.via === 'anonymous') {
    return { status: 401, code: 'SignInRequired', role, message: `${needs} needs the ${role} role; you are not signed in. Sign in with the URL runbook-live printed when it started, an API token (Authorization: Bearer …), or through your sign-in proxy.` };
  }
  return { status: 403, code: 'RoleRequired', role, message: `${needs} needs the ${role} role; you are signed in as ${principal.name} (${principal.role ?? 'no role'}).` };
}
