/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    services: import('./lib/app/index.ts').Services;
  }
}
