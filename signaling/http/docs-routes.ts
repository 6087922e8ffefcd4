import type { FastifyInstance } from 'fastify';
import { buildOpenApi } from './openapi.js';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A readable page from the OpenAPI document: self-contained, no script, no CDN. */
function renderDocs(doc: Record<string, unknown>): string {
  const sections: string[] = [];
  const paths = isRecord(doc['paths']) ? doc['paths'] : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!isRecord(op) || method === 'parameters') continue;
      const body = isRecord(op['requestBody']) ? op['requestBody'] : null;
      const responses = isRecord(op['responses']) ? op['responses'] : {};
      sections.push(`<section>
<h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2>
<p>${escapeHtml(String(op['summary'] ?? ''))}</p>
${body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body['content'], null, 2))}</pre></details>` : ''}
<ul>${Object.entries(responses)
        .map(
          ([status, r]) =>
            `<li><strong>${status}</strong> ${escapeHtml(isRecord(r) ? String(r['description'] ?? '') : '')}</li>`,
        )
        .join('')}</ul>
</section>`);
    }
  }
  const info = isRecord(doc['info']) ? doc['info'] : {};
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(String(info['title'] ?? 'API'))}</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="docs"><h1>${escapeHtml(String(info['title'] ?? 'API'))}</h1>
<p>${escapeHtml(String(info['description'] ?? ''))}</p>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1).</p>
${sections.join('\n')}</main></body></html>`;
}

export function registerDocsRoutes(app: FastifyInstance, publicUrl: () => string): void {
  app.get('/api/openapi.json', async () => buildOpenApi(publicUrl()));
  app.get('/api/docs', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderDocs(buildOpenApi(publicUrl()))),
  );
}
