import Docker from 'dockerode';

const docker = new Docker({ socketPath: '/var/run/docker.sock' });

/** Ids of containers (running or not) that runbook-live labelled with this run id. */
export async function managedContainersFor(runId: string): Promise<string[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`runbook-live.run-id=${runId}`] } });
  return containers.map((c) => c.Id);
}

/** Ids of volumes runbook-live labelled with this run id. */
export async function managedVolumesFor(runId: string): Promise<string[]> {
  const { Volumes } = await docker.listVolumes({ filters: { label: [`runbook-live.run-id=${runId}`] } });
  return (Volumes ?? []).map((v) => v.Name);
}
