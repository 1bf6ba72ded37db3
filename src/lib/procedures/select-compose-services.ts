import { type Outcome, accept, refuse } from '../shared/index.ts';
import type { ComposeService } from './compose-model.ts';

// Which services `docker compose build` builds, and in which order, as docker compose v2 does
// it (pkg/compose/build.go, compose-go's WithProfiles and WithServicesEnabled):
// - a service is enabled when it has no profiles, or one of them is active (`*` activates all);
//   naming a service on the command line activates its profiles too;
// - without names, every enabled service is selected; with names, only those, and their
//   dependencies only under --with-dependencies (compose ignores dependencies otherwise);
// - builds run dependencies first over depends_on among the enabled services; compose runs
//   independent builds in parallel, here they run one after another in declaration order;
// - a selected service without build: is skipped, as compose skips it.

/** What the command line asks for. */
export interface ComposeSelection {
  services: readonly string[];
  profiles: readonly string[];
  withDependencies: boolean;
}

/** The services to build in order, and the selected ones that have nothing to build. */
export interface SelectedServices {
  build: ComposeService[];
  skipped: Array<{ service: string; reason: string }>;
}

/** Applies profiles and names to the project's services and orders the builds. */
export function selectComposeServices(services: ReadonlyMap<string, ComposeService>, selection: ComposeSelection): Outcome<SelectedServices> {
  const consistent = checkConsistency(services);
  if (!consistent.ok) return consistent;
  const profiles = new Set(selection.profiles);
  for (const name of selection.services) {
    const service = services.get(name);
    if (service === undefined) return refuse(`docker compose build ${name}: no such service; the project has ${[...services.keys()].join(', ')}`);
    for (const profile of service.profiles) profiles.add(profile);
  }
  const enabled = new Map([...services].filter(([, service]) => isEnabled(service, profiles)));
  const order = dependencyOrder(enabled);
  if (!order.ok) return order;

  const selected = new Set(selection.services.length === 0 ? enabled.keys() : selection.services);
  if (selection.withDependencies) {
    const pending = [...selected];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      for (const dependency of services.get(name)?.dependsOn ?? []) {
        if (selected.has(dependency.service) || !services.has(dependency.service)) continue;
        if (!enabled.has(dependency.service)) {
          const needed = services.get(dependency.service)!.profiles.join(', ');
          return refuse(`docker compose build --with-dependencies: ${name} depends on ${dependency.service}, whose profiles (${needed}) are not active; add --profile for one of them`);
        }
        selected.add(dependency.service);
        pending.push(dependency.service);
      }
    }
  }
  const build: ComposeService[] = [];
  const skipped: SelectedServices['skipped'] = [];
  for (const service of order.value) {
    if (!selected.has(service.name)) continue;
    if (service.build !== null) build.push(service);
    else skipped.push({ service: service.name, reason: `has no build section (it uses the image ${service.image ?? ''})` });
  }
  if (build.length === 0) {
    const which = selection.services.length === 0 ? 'none of the enabled services' : `none of ${selection.services.join(', ')}`;
    return refuse(`docker compose build would build nothing: ${which} has a build section; check the service names and --profile`);
  }
  return accept({ build, skipped });
}

/** compose-go's own checks that concern builds: something to run, and dependencies that exist. */
function checkConsistency(services: ReadonlyMap<string, ComposeService>): Outcome<true> {
  if (services.size === 0) return refuse('the compose project has no services');
  for (const service of services.values()) {
    if (service.build === null && service.image === null) {
      return refuse(`service ${service.name} has neither an image nor a build section; compose refuses the project`);
    }
    for (const dependency of service.dependsOn) {
      if (dependency.required && !services.has(dependency.service)) {
        return refuse(`service ${service.name} depends on undefined service ${dependency.service}; compose refuses the project`);
      }
    }
  }
  return accept(true);
}

function isEnabled(service: ComposeService, profiles: ReadonlySet<string>): boolean {
  return service.profiles.length === 0 || profiles.has('*') || service.profiles.some((profile) => profiles.has(profile));
}

// Depth-first, dependencies before dependents, ties in declaration order; a cycle is refused by its path.
function dependencyOrder(services: ReadonlyMap<string, ComposeService>): Outcome<ComposeService[]> {
  const order: ComposeService[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: ComposeService, trail: string[]): string[] | null => {
    const seen = state.get(service.name);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...trail.slice(trail.indexOf(service.name)), service.name];
    state.set(service.name, 'visiting');
    for (const dependency of service.dependsOn) {
      const next = services.get(dependency.service);
      if (next === undefined) continue;
      const cycle = visit(next, [...trail, service.name]);
      if (cycle !== null) return cycle;
    }
    state.set(service.name, 'done');
    order.push(service);
    return null;
  };
  for (const service of services.values()) {
    const cycle = visit(service, []);
    if (cycle !== null) return refuse(`dependency cycle detected: ${cycle.join(' -> ')}; compose refuses the project`);
  }
  return accept(order);
}
