import type { Readable } from 'node:stream';
import { createRequire } from 'node:module';
import type Dockerode from 'dockerode';
import { runImageBuild } from './image-build.ts';
import { startAndWaitContainer } from './container-run.ts';
import { toCreateOptions } from './container-spec.ts';
import type {
  BuildHooks,
  BuildImageOptions,
  BuildResult,
  ContainerFacts,
  ContainerSpec,
  DockerClient,
  EngineInfo,
  EngineStatus,
  ImageDetails,
  ManagedContainer,
  ManagedVolume,
  RemovedResources,
  RunHooks,
  RunOptions,
  ContainerRunResult,
} from './docker-client.ts';
import { parseDockerTarget, toDockerodeOptions, type DockerTarget } from './docker-target.ts';
import { engineMessage, isAbortError, statusCodeOf, toDockerError } from './engine-errors.ts';
import { ImageNotFoundError } from './errors.ts';
import { toImageDetails } from './image-details.ts';
import { managedLabelFilter, withManagedLabel, type Labels } from './labels.ts';

// dockerode and its gRPC and protobuf dependencies take a fifth of a second to load: loaded
// on a client's first call, not on import, so a server's first page never waits for them.
const require = createRequire(import.meta.url);
let DockerodeClass: typeof Dockerode | null = null;
function loadDockerode(): typeof Dockerode {
  DockerodeClass ??= require('dockerode') as typeof Dockerode;
  return DockerodeClass;
}

type WithAbort<T> = (options: { abortSignal: AbortSignal }) => Promise<T>;

/** Tuning for a client; defaults suit a local engine. */
export interface DockerodeClientOptions {
  /** How long `ping()`/`info()` wait for an answer before reporting the engine unreachable. */
  pingTimeoutMs?: number;
}

/** `DockerClient` over dockerode, bound to one target. */
export class DockerodeClient implements DockerClient {
  /** The target this client talks to. */
  readonly target: DockerTarget;
  #dockerode: Dockerode | null = null;
  readonly #pingTimeoutMs: number;

  /** @param target a parsed target, see `parseDockerTarget` */
  constructor(target: DockerTarget, options: DockerodeClientOptions = {}) {
    this.target = target;
    this.#pingTimeoutMs = options.pingTimeoutMs ?? 5_000;
  }

  /** Parses a raw target config (`{ name, url, tls? }`) and builds a client for it. */
  get #docker(): Dockerode {
    this.#dockerode ??= new (loadDockerode())(toDockerodeOptions(this.target));
    return this.#dockerode;
  }

  static fromConfig(config: unknown, options?: DockerodeClientOptions): DockerodeClient {
    return new DockerodeClient(parseDockerTarget(config), options);
  }

  async ping(signal?: AbortSignal): Promise<EngineStatus> {
    const abortSignal = this.#probeSignal(signal);
    const version = await this.#call('report its version', () => this.#version({ abortSignal }));
    return { reachable: true, engineVersion: version.Version, apiVersion: version.ApiVersion };
  }

  async info(signal?: AbortSignal): Promise<EngineInfo> {
    const abortSignal = this.#probeSignal(signal);
    const [version, info] = await this.#call('report its state', () =>
      Promise.all([this.#version({ abortSignal }), this.#info({ abortSignal })]),
    );
    return {
      reachable: true,
      engineVersion: version.Version,
      apiVersion: version.ApiVersion,
      os: String(info.OperatingSystem ?? version.Os ?? ''),
      arch: String(info.Architecture ?? version.Arch ?? ''),
      kernelVersion: String(info.KernelVersion ?? version.KernelVersion ?? ''),
      storageDriver: String(info.Driver ?? ''),
      cgroupVersion: String(info.CgroupVersion ?? ''),
      securityOptions: Array.isArray(info.SecurityOptions) ? info.SecurityOptions.map(String) : [],
      containersRunning: Number(info.ContainersRunning ?? 0),
    };
  }

  buildImage(options: BuildImageOptions, hooks?: BuildHooks): Promise<BuildResult> {
    return runImageBuild({ docker: this.#docker, target: this.target, inspectImage: (ref) => this.inspectImage(ref) }, options, hooks);
  }

  async runContainer(options: RunOptions, hooks: RunHooks = {}): Promise<ContainerRunResult> {
    const { timeoutMs, ...spec } = options;
    const containerId = await this.createContainer(spec);
    let result: ContainerRunResult;
    try {
      result = await startAndWaitContainer({ docker: this.#docker, target: this.target }, containerId, { ...(timeoutMs !== undefined ? { timeoutMs } : {}), image: spec.image }, hooks);
    } catch (error) {
      // Remove first, then report the original failure (a removal error would only hide it).
      await this.removeContainer(containerId).catch(() => {});
      throw error;
    }
    await this.removeContainer(containerId);
    return result;
  }

  async inspectImage(ref: string): Promise<ImageDetails> {
    try {
      return toImageDetails(await this.#docker.getImage(ref).inspect());
    } catch (error) {
      if (statusCodeOf(error) === 404) throw new ImageNotFoundError(ref, { cause: error });
      throw toDockerError(error, this.target, `inspect image ${ref}`);
    }
  }

  async removeImage(ref: string): Promise<void> {
    await this.#ignoring([404], `remove image ${ref}`, () => this.#docker.getImage(ref).remove({ force: true }));
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    try {
      const container = await this.#docker.createContainer(toCreateOptions(spec));
      return container.id;
    } catch (error) {
      if (statusCodeOf(error) === 404 && /no such image/i.test(engineMessage(error))) {
        throw new ImageNotFoundError(spec.image, { cause: error });
      }
      throw toDockerError(error, this.target, `create a container from ${spec.image}`);
    }
  }

  startAndWait(containerId: string, options: { timeoutMs?: number } = {}, hooks?: RunHooks): Promise<ContainerRunResult> {
    return startAndWaitContainer({ docker: this.#docker, target: this.target }, containerId, options, hooks);
  }

  async inspectContainer(containerId: string): Promise<ContainerFacts> {
    const info = await this.#call(`inspect container ${containerId}`, () => this.#docker.getContainer(containerId).inspect());
    const host = info.HostConfig ?? {};
    return {
      id: info.Id,
      user: info.Config?.User ?? '',
      readOnlyRootfs: host.ReadonlyRootfs === true,
      networkMode: String(host.NetworkMode ?? ''),
      capDrop: (host.CapDrop ?? []).map(String),
      capAdd: (host.CapAdd ?? []).map(String),
      securityOpt: (host.SecurityOpt ?? []).map(String),
      pidsLimit: typeof host.PidsLimit === 'number' && host.PidsLimit > 0 ? host.PidsLimit : null,
      memoryBytes: typeof host.Memory === 'number' && host.Memory > 0 ? host.Memory : null,
      exitCode: info.State?.Running ? null : (info.State?.ExitCode ?? null),
      oomKilled: info.State?.OOMKilled === true,
    };
  }

  async removeContainer(containerId: string): Promise<void> {
    // 409: the engine is already removing it (e.g. a concurrent cleanup); that is the goal anyway.
    await this.#ignoring([404, 409], `remove container ${containerId}`, () =>
      this.#docker.getContainer(containerId).remove({ force: true, v: true }),
    );
  }

  async createVolume(labels?: Labels): Promise<string> {
    const volume = await this.#call('create a volume', () => this.#docker.createVolume({ Labels: withManagedLabel(labels) }));
    return volume.name;
  }

  async removeVolume(name: string): Promise<void> {
    await this.#ignoring([404], `remove volume ${name}`, () => this.#docker.getVolume(name).remove({ force: true }));
  }

  async putArchive(containerId: string, path: string, tar: Buffer): Promise<void> {
    await this.#call(`extract an archive into ${path} of container ${containerId}`, () =>
      this.#docker.getContainer(containerId).putArchive(tar, { path }),
    );
  }

  async getArchive(containerId: string, path: string): Promise<Buffer> {
    return this.#call(`read ${path} from container ${containerId}`, async () => {
      const stream = (await this.#docker.getContainer(containerId).getArchive({ path })) as Readable;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    });
  }

  async listManaged(): Promise<ManagedContainer[]> {
    return this.#listContainers({});
  }

  async listManagedVolumes(): Promise<ManagedVolume[]> {
    return this.#listVolumes({});
  }

  async removeManaged(labels: Labels = {}): Promise<RemovedResources> {
    const containers = await this.#listContainers(labels);
    for (const container of containers) await this.removeContainer(container.id);
    // Containers go first: a volume still mounted by one cannot be removed.
    const volumes = await this.#listVolumes(labels);
    for (const volume of volumes) await this.removeVolume(volume.name);
    return { containers: containers.map((c) => c.id), volumes: volumes.map((v) => v.name) };
  }

  async #listContainers(labels: Labels): Promise<ManagedContainer[]> {
    const list = await this.#call('list containers', () =>
      this.#docker.listContainers({ all: true, filters: { label: managedLabelFilter(labels) } }),
    );
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      state: c.State,
      labels: { ...c.Labels },
      createdAt: new Date(c.Created * 1000),
    }));
  }

  async #listVolumes(labels: Labels): Promise<ManagedVolume[]> {
    const list = await this.#call('list volumes', () =>
      this.#docker.listVolumes({ filters: { label: managedLabelFilter(labels) } }),
    );
    return (list.Volumes ?? []).map((v) => ({ name: v.Name, labels: { ...v.Labels } }));
  }

  // dockerode honours `abortSignal` here, but its typings only list the callback overloads.
  get #version(): WithAbort<Dockerode.DockerVersion> {
    return this.#docker.version.bind(this.#docker) as unknown as WithAbort<Dockerode.DockerVersion>;
  }

  get #info(): WithAbort<Record<string, unknown>> {
    return this.#docker.info.bind(this.#docker) as unknown as WithAbort<Record<string, unknown>>;
  }

  #probeSignal(signal: AbortSignal | undefined): AbortSignal {
    const timeout = AbortSignal.timeout(this.#pingTimeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  }

  async #call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDockerError(error, this.target, action);
    }
  }

  async #ignoring(statusCodes: number[], action: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      const status = statusCodeOf(error);
      if (status !== undefined && statusCodes.includes(status)) return;
      if (isAbortError(error)) throw error;
      throw toDockerError(error, this.target, action);
    }
  }
}
