#!/usr/bin/env node
// Launcher for `npx runbook-live`: the CLI is TypeScript that Node runs by stripping types,
// which needs Node 22.18 or later. Inside the project, npx puts the pinned Node 24 first.
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
