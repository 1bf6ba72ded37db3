// The public face of src/lib/auth: roles, sign-in and sessions. Other domains and the pages import only this file.
export * from './roles.ts';
export * from './principal.ts';
export * from './auth-config-schema.ts';
export * from './parse-auth-config.ts';
export * from './tokens.ts';
export * from './session-cookie.ts';
export * from './signing-key.ts';
export * from './authenticator.ts';
export * from './permissions.ts';
