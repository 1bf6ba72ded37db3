/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    core: import('./lib/app/index.ts').Core;
  }
}
