/** The roles, weakest first: each may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
/** `viewer` reads; `operator` also runs and handles incidents; `admin` also reads the audit log. */
export type Role = (typeof ROLES)[number];

/** Whether `held` (null: no role at all) is enough for something that needs `needed`. */
export function roleSatisfies(held: Role | null, needed: Role): boolean {
  return held !== null && ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** The stronger of two roles; null is weaker than any role. */
export function strongerRole(a: Role | null, b: Role | null): Role | null {
  if (a === null) return b;
  if (b === null) return a;
  return ROLES.indexOf(a) >= ROLES.indexOf(b) ? a : b;
}
