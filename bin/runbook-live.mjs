#!/usr/bin/env node
// Launcher for `npx runbook-live` and the npm scripts: runs the CLI's compiled bundle
// (bin/cli-bundle.mjs), built from the current sources on the first run after a change, or
// the TypeScript sources themselves when no bundle can be built.
import { pathToFileURL } from 'node:url';
import { bundledEntry } from './cli-bundle.mjs';

const entry = await bundledEntry();
if (entry) {
  await import(pathToFileURL(entry).href);
} else {
  // Running the sources means Node strips their types, which needs Node 22.18 or later.
  if (!process.features || !process.features.typescript) {
    const [major, minor] = process.versions.node.split('.').map(Number);
    const recent = major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
    console.error(
      recent
        ? 'runbook-live needs Node to strip TypeScript types, which is turned off here (' + process.version + ' with --no-experimental-strip-types?); run it without that flag'
        : 'runbook-live needs Node 22.18 or later (this is ' + process.version + '); run it through npx inside the project so the pinned Node 24 is used',
    );
    process.exit(2);
  }
  await import('../src/cli/runbook-live.ts');
}
