// Blocks may only use variables declared in the systems configuration: reading the
// server's own environment would make a runbook behave differently on every host.

/** Looks up a declared variable; undefined means it is not declared. */
export type VariableLookup = (name: string) => string | undefined;

/** Builds a lookup over a record of declared variables, ignoring inherited keys like "constructor". */
export function lookupDeclared(variables: Readonly<Record<string, string>>): VariableLookup {
  return (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
}

/** Builds a lookup that accepts every name and remembers, in first-use order, which were asked for. */
export function recordingLookup(): { lookup: VariableLookup; used: string[] } {
  const used: string[] = [];
  const lookup: VariableLookup = (name) => {
    if (!used.includes(name)) used.push(name);
    return '';
  };
  return { lookup, used };
}

/** Message for a variable the block uses but the systems configuration doesn't declare. */
export function undeclaredVariableReason(name: string, usage: string): string {
  return (
    `variable ${name} (${usage}) is not declared; declare ${name} under variables in the ` +
    `systems configuration (runbook-live never reads the server's environment)`
  );
}
