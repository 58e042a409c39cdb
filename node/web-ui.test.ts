// The web app's file handler on its own: what a browser (or a curious client) gets for each path.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { staticFiles } from './web-ui.ts';

/** GET `path` sent as-is (no client-side normalisation of `..`). */
function get(server: Server, path: string, method = 'GET'): Promise<{ status: number; type?: string; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    }).on('error', reject).end();
  });
}

describe('the web app file handler', () => {
  const root = mkdtempSync(join(tmpdir(), 'web-ui-'));
  const dist = join(root, 'dist');
  let server: Server;

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(join(dist, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(root, 'secret.txt'), 'not served');
    server = createServer(staticFiles(dist));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it('serves the page, its assets with their types, and the page for app routes', async () => {
    await expect(get(server, '/')).resolves.toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>app</title>' });
    await expect(get(server, '/assets/app-1234.js')).resolves.toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8', body: 'console.log(1)' });
    await expect(get(server, '/marketplace/compute')).resolves.toMatchObject({ status: 200, body: '<!doctype html><title>app</title>' });
    await expect(get(server, '/', 'HEAD')).resolves.toMatchObject({ status: 200, body: '' });
  });

  it('answers 404 for missing files and for paths outside its folder', async () => {
    await expect(get(server, '/assets/missing.js')).resolves.toMatchObject({ status: 404 });
    await expect(get(server, '/../secret.txt')).resolves.toMatchObject({ status: 404 });
    await expect(get(server, '/%2e%2e/secret.txt')).resolves.toMatchObject({ status: 404 });
  });

  it('says how to build the app when it is not built', async () => {
    const bare = createServer(staticFiles(join(root, 'nothing')));
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await get(bare, '/');
      expect(answer.status).toBe(503);
      expect(answer.body).toMatch(/npm install/);
    } finally {
      await new Promise((resolve) => bare.close(resolve));
    }
  });
});
