import { testDocker } from './docker-leftovers.ts';

/** Ids of containers (running or not) that runbook-live labelled with this run id. */
export async function managedContainersFor(runId: string): Promise<string[]> {
  const containers = await testDocker.listContainers({ all: true, filters: { label: [`runbook-live.run-id=${runId}`] } });
  return containers.map((c) => c.Id);
}

/** Ids of volumes runbook-live labelled with this run id. */
export async function managedVolumesFor(runId: string): Promise<string[]> {
  const { Volumes } = await testDocker.listVolumes({ filters: { label: [`runbook-live.run-id=${runId}`] } });
  return (Volumes ?? []).map((v) => v.Name);
}
