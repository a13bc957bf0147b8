import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { S3Connection } from '../../src/storage/s3-connection.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** s3rver's only key pair: any other key id or secret is refused like AWS would. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface S3TestServer {
  endpoint: string;
  /** A connection to one of the server's buckets, with its credentials and path-style URLs. */
  connection(bucket: string, prefix?: string): S3Connection;
  stop(): Promise<void>;
}

// Runs in the child: s3rver (CommonJS) on a random loopback port, prints the port on stdout.
const CHILD = `
const S3rver = require('s3rver');
const [dir, buckets] = [process.argv[1], JSON.parse(process.argv[2])];
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, configureBuckets: buckets.map((name) => ({ name })) });
server.run().then((addr) => console.log('S3RVER_PORT ' + addr.port), (e) => { console.error(e); process.exit(1); });
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

/**
 * A real S3-compatible server (s3rver) in its own process — so that its memory is not counted in the
 * test process's RSS — on a random port over a temp dir; `stop()` ends it and removes the dir.
 */
export async function startS3Server(buckets: string[]): Promise<S3TestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sinew-s3rver-'));
  // s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its
  // legacy provider: without it every second page of a listing fails with a 500.
  const child: ChildProcess = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD, dir, JSON.stringify(buckets)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start in 30 s: ${stderr}`)), 30_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^S3RVER_PORT (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with ${code}: ${stderr}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    connection: (bucket, prefix = '') => ({
      bucket,
      prefix,
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { ...S3RVER_CREDENTIALS },
    }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(forced);
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
