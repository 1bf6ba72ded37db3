import path from 'node:path';
import type { DockerClient } from '../docker/index.ts';
import { DockerodeClient } from '../docker/index.ts';
import type { SystemsConfig } from './load-systems-config.ts';

/** One Docker client per configured target, made when first asked for. */
export class DockerTargets {
  private readonly config: SystemsConfig;
  private readonly clients = new Map<string, DockerClient>();

  constructor(config: SystemsConfig) {
    this.config = config;
  }

  /** Target names in configuration order. */
  names(): string[] {
    return Object.keys(this.config.targets);
  }

  /** The client for a target; throws for a name that is not configured. */
  client(name: string): DockerClient {
    let client = this.clients.get(name);
    if (!client) {
      const target = this.config.targets[name];
      if (!target) throw new Error(`unknown target '${name}'; configured targets: ${this.names().join(', ')}`);
      const certs = target.tls_cert_path;
      client = DockerodeClient.fromConfig({
        name,
        url: target.url,
        ...(certs ? { tls: { ca: path.join(certs, 'ca.pem'), cert: path.join(certs, 'cert.pem'), key: path.join(certs, 'key.pem') } } : {}),
      });
      this.clients.set(name, client);
    }
    return client;
  }
}
