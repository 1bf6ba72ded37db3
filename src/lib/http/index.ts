// The public face of src/lib/http: other domains and the pages import only this file.
export * from './json-response.ts';
export * from './origin-guard.ts';
export * from './read-json-body.ts';
export * from './startup-failure.ts';
export * from './event-stream-response.ts';
export * from './api-error-codes.ts';
export * from './allowed-hosts.ts';
export * from './edge-guards.ts';
export * from './security-headers.ts';
export * from './start-rate-limiter.ts';
export * from './rate-limited.ts';
export * from './route-permissions.ts';
export * from './auth-responses.ts';
export * from './run-start-request.ts';
export * from './content-encoding.ts';
export * from './response-cache.ts';
export * from './theme-boot-script.ts';
