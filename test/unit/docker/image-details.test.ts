import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { imageDetailsSchema } from '../../../src/lib/docker/docker-client.ts';
import { toImageDetails } from '../../../src/lib/docker/image-details.ts';

/** An image inspect document with only the fields the mapping reads. */
const inspect = (config: Record<string, unknown>) => ({ Id: 'sha256:x', RepoTags: ['web:1'], Size: 1, Config: config }) as unknown as Dockerode.ImageInspectInfo;

describe('toImageDetails: exposed ports and volumes', () => {
  it('lists the keys of Config.ExposedPorts and Config.Volumes, sorted', () => {
    const details = toImageDetails(inspect({ ExposedPorts: { '9090/udp': {}, '8080/tcp': {} }, Volumes: { '/var/log': {}, '/data': {} } }));
    expect(details.exposedPorts).toEqual(['8080/tcp', '9090/udp']);
    expect(details.volumes).toEqual(['/data', '/var/log']);
  });

  it('gives empty lists when the engine sends null or leaves them out', () => {
    expect(toImageDetails(inspect({ ExposedPorts: null, Volumes: null }))).toMatchObject({ exposedPorts: [], volumes: [] });
    expect(toImageDetails(inspect({}))).toMatchObject({ exposedPorts: [], volumes: [] });
  });

  it('reads image details stored before ports, volumes and digests were recorded', () => {
    const stored = { id: 'sha256:x', tags: [], sizeBytes: 1, user: '', env: {}, cmd: [], entrypoint: [], labels: {}, workingDir: '' };
    expect(imageDetailsSchema.parse(stored)).toEqual({ ...stored, exposedPorts: [], volumes: [], digests: [] });
  });
});
