/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    core: import('./lib/app/index.ts').Core;
    /** The request body cap (`server.body_limit_bytes`), for `readJsonBody`. */
    bodyLimitBytes: number;
  }
}
