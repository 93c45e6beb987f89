import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

import { freePort, startFerretdb, stopProcess } from './servers.js';

const root = path.resolve(import.meta.dirname, '../..');

/** A second FerretDB, standing for another MongoDB cluster; it can be stopped and started. */
export class SecondCluster {
  private child: ChildProcess | null = null;
  readonly stateDir = path.join(root, '.data', `cluster-${randomBytes(4).toString('hex')}`);
  port = 0;

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    mkdirSync(this.stateDir, { recursive: true });
    this.child = await startFerretdb(
      path.join(root, '.tools/bin/ferretdb'),
      this.stateDir,
      this.port,
    );
  }

  async stop(): Promise<void> {
    if (this.child) await stopProcess(this.child);
    this.child = null;
  }

  async remove(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  uri(database: string): string {
    return `mongodb://127.0.0.1:${this.port}/${database}`;
  }
}
