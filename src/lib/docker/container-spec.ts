import type Dockerode from 'dockerode';
import type { ContainerSpec } from './docker-client.ts';
import { withManagedLabel } from './labels.ts';

/**
 * Engine create options for a spec: non-TTY with stdout/stderr attached (so the streams stay
 * separable), no stdin, always labelled `runbook-live.managed=true`. Unset fields are left out so
 * the image's own defaults apply.
 */
export function toCreateOptions(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const hostConfig: Dockerode.HostConfig = {};
  if (spec.network !== undefined) hostConfig.NetworkMode = spec.network;
  if (spec.readOnly !== undefined) hostConfig.ReadonlyRootfs = spec.readOnly;
  if (spec.capDrop?.length) hostConfig.CapDrop = spec.capDrop;
  if (spec.capAdd?.length) hostConfig.CapAdd = spec.capAdd;
  if (spec.securityOpt?.length) hostConfig.SecurityOpt = spec.securityOpt;
  if (spec.pidsLimit !== undefined) hostConfig.PidsLimit = spec.pidsLimit;
  if (spec.memoryBytes !== undefined) {
    hostConfig.Memory = spec.memoryBytes;
    // Without this the container may use as much swap again, and an OOM would rarely happen.
    hostConfig.MemorySwap = spec.memoryBytes;
  }
  if (spec.nanoCpus !== undefined) hostConfig.NanoCpus = spec.nanoCpus;
  if (spec.tmpfs && Object.keys(spec.tmpfs).length > 0) hostConfig.Tmpfs = spec.tmpfs;
  if (spec.volumes?.length) {
    hostConfig.Mounts = spec.volumes.map((mount) => ({
      Type: 'volume',
      Source: mount.volume,
      Target: mount.target,
      ReadOnly: mount.readOnly ?? false,
    }));
  }

  const options: Dockerode.ContainerCreateOptions = {
    Image: spec.image,
    Labels: withManagedLabel(spec.labels),
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: hostConfig,
  };
  if (spec.cmd !== undefined) options.Cmd = spec.cmd;
  if (spec.entrypoint !== undefined) options.Entrypoint = spec.entrypoint;
  if (spec.env !== undefined) options.Env = Object.entries(spec.env).map(([key, value]) => `${key}=${value}`);
  if (spec.user !== undefined) options.User = spec.user;
  if (spec.workdir !== undefined) options.WorkingDir = spec.workdir;
  if (spec.network === 'none') options.NetworkDisabled = true;
  return options;
}
