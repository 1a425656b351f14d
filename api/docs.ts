/**
 * `/docs`: Swagger UI over `/openapi.json`, every asset served by this process from the
 * `swagger-ui-dist` package (no CDN), so the page works on a machine without internet.
 * Public like `/openapi.json`: it shows the contract, no data; "Authorize" takes an API key.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Hono } from 'hono';

const distDir = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** The init script is a file of its own (not inline), so a strict Content-Security-Policy can allow 'self' only. */
const initScript = `window.addEventListener('load', function () {
  // validatorUrl null: no badge fetched from validator.swagger.io (offline, and the spec stays here).
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: false, validatorUrl: null });
});
`;

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Durable DME API</title>
<link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

/** The files the page loads, read once at first request (the bundle is about 1.5 MB). */
const assets: Record<string, { type: string; file?: string; text?: string }> = {
  'swagger-ui.css': { type: 'text/css; charset=utf-8', file: 'swagger-ui.css' },
  'swagger-ui-bundle.js': { type: 'text/javascript; charset=utf-8', file: 'swagger-ui-bundle.js' },
  'favicon-32x32.png': { type: 'image/png', file: 'favicon-32x32.png' },
  'init.js': { type: 'text/javascript; charset=utf-8', text: initScript },
};
const loaded = new Map<string, Uint8Array<ArrayBuffer>>();

function body(name: string): Uint8Array<ArrayBuffer> {
  let bytes = loaded.get(name);
  if (!bytes) {
    const asset = assets[name];
    bytes = asset.file ? new Uint8Array(readFileSync(path.join(distDir, asset.file))) : new Uint8Array(Buffer.from(asset.text ?? '', 'utf8'));
    loaded.set(name, bytes);
  }
  return bytes;
}

export function docsRoutes() {
  const app = new Hono();
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/assets/:name', (c) => {
    const name = c.req.param('name');
    if (!Object.hasOwn(assets, name)) return c.notFound();
    // The assets change only with the package version: a day's caching spares reloads.
    return c.body(body(name), 200, { 'content-type': assets[name].type, 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
