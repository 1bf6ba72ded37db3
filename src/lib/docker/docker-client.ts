import { z } from 'zod';
import type { DockerTarget } from './docker-target.ts';
import type { Labels } from './labels.ts';

/** The engine answered; versions as it reports them. */
export interface EngineStatus {
  reachable: true;
  /** Engine release, e.g. `20.10.24+dfsg1`. */
  engineVersion: string;
  /** Highest API version the engine speaks, e.g. `1.41`. */
  apiVersion: string;
}

/** `EngineStatus` plus the facts a dashboard shows about the engine. */
export interface EngineInfo extends EngineStatus {
  os: string;
  arch: string;
  kernelVersion: string;
  storageDriver: string;
  /** `1` or `2`; empty when the engine does not say. */
  cgroupVersion: string;
  /** e.g. `name=seccomp,profile=default`, `name=rootless`. */
  securityOptions: string[];
  containersRunning: number;
}

/** What to build. Paths are on the machine running runbook-live. */
export interface BuildImageOptions {
  contextDir: string;
  /** Relative to `contextDir` (default `Dockerfile`); must stay inside it. */
  dockerfile?: string;
  tags?: string[];
  buildArgs?: Record<string, string>;
  /** Multi-stage target stage. */
  target?: string;
  /** Labels baked into the image (they are inherited by containers made from it). */
  labels?: Labels;
  noCache?: boolean;
  /** Ask the engine to pull newer base images; fails where no registry is reachable. */
  pull?: boolean;
  platform?: string;
}

/** Progress callbacks and cancellation for a build. */
export interface BuildHooks {
  /** Once per complete line of build output. */
  onLog?: (line: string) => void;
  signal?: AbortSignal;
}

/** A build's outcome; a failing step is a result, not an exception. */
export type BuildResult =
  | { ok: true; imageId: string; tags: string[]; sizeBytes: number; durationMs: number }
  | { ok: false; error: string; cancelled: boolean; durationMs: number };

/** A named volume mounted into a container. */
export interface VolumeMount {
  volume: string;
  target: string;
  readOnly?: boolean;
}

/** How to create a container. Commands are exec-form arrays: nothing goes through a shell. */
export interface ContainerSpec {
  image: string;
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  /** `uid`, `uid:gid` or a user name known to the image. */
  user?: string;
  /** `none`, `bridge`, `host` or a network name. */
  network?: string;
  readOnly?: boolean;
  capDrop?: string[];
  capAdd?: string[];
  securityOpt?: string[];
  pidsLimit?: number;
  /** Memory limit; swap is limited to the same value so the limit is real. */
  memoryBytes?: number;
  /** CPU quota in billionths of a CPU (1e9 = one CPU). */
  nanoCpus?: number;
  /** Mount path to tmpfs options, e.g. `{ '/tmp': 'rw,size=16m' }`. */
  tmpfs?: Record<string, string>;
  workdir?: string;
  /** Caller labels; `runbook-live.managed=true` is always added. */
  labels?: Labels;
  volumes?: VolumeMount[];
}

/** A container run from start to exit. */
export interface RunOptions extends ContainerSpec {
  /** Kill the container after this long (`timedOut: true`). */
  timeoutMs?: number;
}

/** Which output stream a line came from. */
export type OutputStream = 'stdout' | 'stderr';

/** Output callbacks and cancellation for a run. */
export interface RunHooks {
  /** Once per complete line; a trailing partial line is delivered at exit. */
  onLog?: (stream: OutputStream, line: string) => void;
  signal?: AbortSignal;
}

/** How a run ended. A non-zero exit code is a result, not an exception. */
export interface ContainerRunResult {
  /** Null only when the run was cancelled before the container started. */
  exitCode: number | null;
  oomKilled: boolean;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  containerId: string;
}

/** The parts of an image's configuration runbook-live reads; also stored with runs that inspect images. */
export const imageDetailsSchema = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  sizeBytes: z.number(),
  /** Configured user, `''` meaning root. */
  user: z.string(),
  env: z.record(z.string(), z.string()),
  cmd: z.array(z.string()),
  entrypoint: z.array(z.string()),
  labels: z.record(z.string(), z.string()),
  workingDir: z.string(),
  /** Registry digests (`name@sha256:…`); empty for an image built here and never pushed or pulled. */
  digests: z.array(z.string()).default([]),
  /** Config.ExposedPorts as `8080/tcp` entries, sorted; absent from runs stored before they were read. */
  exposedPorts: z.array(z.string()).default([]),
  /** Config.Volumes as mount paths, sorted; absent from runs stored before they were read. */
  volumes: z.array(z.string()).default([]),
});
export type ImageDetails = z.infer<typeof imageDetailsSchema>;

/** How the engine actually set a container up, read back after it ran. */
export interface ContainerFacts {
  id: string;
  /** The user the process ran as, `''` meaning the image default. */
  user: string;
  readOnlyRootfs: boolean;
  networkMode: string;
  capDrop: string[];
  capAdd: string[];
  securityOpt: string[];
  pidsLimit: number | null;
  memoryBytes: number | null;
  exitCode: number | null;
  oomKilled: boolean;
}

/** A container carrying `runbook-live.managed=true`. */
export interface ManagedContainer {
  id: string;
  name: string;
  image: string;
  /** `created`, `running`, `exited`, … */
  state: string;
  labels: Labels;
  createdAt: Date;
}

/** A volume carrying `runbook-live.managed=true`. */
export interface ManagedVolume {
  name: string;
  labels: Labels;
}

/** What a cleanup removed. */
export interface RemovedResources {
  containers: string[];
  volumes: string[];
}

/** Everything runbook-live asks of a Docker engine. One instance talks to one target. */
export interface DockerClient {
  /** The target this client talks to. */
  readonly target: DockerTarget;
  /** Cheap reachability check; throws `DockerUnreachableError` when the engine does not answer. */
  ping(signal?: AbortSignal): Promise<EngineStatus>;
  /** Versions plus engine facts; throws `DockerUnreachableError` when the engine does not answer. */
  info(signal?: AbortSignal): Promise<EngineInfo>;
  /** Builds an image from a local context honouring `.dockerignore`. */
  buildImage(options: BuildImageOptions, hooks?: BuildHooks): Promise<BuildResult>;
  /** Creates, runs and always removes a container; output streamed line by line. */
  runContainer(options: RunOptions, hooks?: RunHooks): Promise<ContainerRunResult>;
  /** Image configuration; throws `ImageNotFoundError`. */
  inspectImage(ref: string): Promise<ImageDetails>;
  /** Removes an image (forced); a missing image is not an error. */
  removeImage(ref: string): Promise<void>;
  /** Creates a managed container without starting it; returns its id. Throws `ImageNotFoundError`. */
  createContainer(spec: ContainerSpec): Promise<string>;
  /** Starts a created container, streams its output and waits for exit. Does not remove it. */
  startAndWait(containerId: string, options?: { timeoutMs?: number }, hooks?: RunHooks): Promise<ContainerRunResult>;
  /** The container's configuration as the engine applied it. */
  inspectContainer(containerId: string): Promise<ContainerFacts>;
  /** Force-removes a container and its anonymous volumes; a missing container is not an error. */
  removeContainer(containerId: string): Promise<void>;
  /** Creates a managed volume with an engine-chosen name; returns the name. */
  createVolume(labels?: Labels): Promise<string>;
  /** Removes a volume (forced); a missing volume is not an error. */
  removeVolume(name: string): Promise<void>;
  /** Extracts a tar into `path` inside a (created or running) container. */
  putArchive(containerId: string, path: string, tar: Buffer): Promise<void>;
  /** `path` from a container (also a stopped one) as a tar. */
  getArchive(containerId: string, path: string): Promise<Buffer>;
  /** All managed containers, running or not. */
  listManaged(): Promise<ManagedContainer[]>;
  /** All managed volumes. */
  listManagedVolumes(): Promise<ManagedVolume[]>;
  /** Removes managed containers and volumes, optionally only those also matching `labels`. */
  removeManaged(labels?: Labels): Promise<RemovedResources>;
}
