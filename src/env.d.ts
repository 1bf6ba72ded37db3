/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    core: import('./lib/app/index.ts').Core;
    /** The request body cap (`server.body_limit_bytes`), for `readJsonBody`. */
    bodyLimitBytes: number;
    /** Who the request is: set by the middleware before any page or route runs. */
    principal: import('./lib/auth/index.ts').Principal;
    /** The token a change from this page must send in `X-CSRF-Token`; null for bearer-token requests. */
    csrfToken: string | null;
    /** What a mutating route acted on, for its audit row, when the path alone does not say (a block id, a run id). */
    auditTarget?: string;
    /** A short detail for the audit row (the run id started, say). */
    auditDetail?: string;
  }
}
