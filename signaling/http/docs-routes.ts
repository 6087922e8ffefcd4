import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { API_ROUTES, type RouteSpec } from './api-catalog.js';
import { buildOpenApi, type DocLang } from './openapi.js';

/*
 * /api/docs: the route catalog as a readable page, in French (default) or
 * English (?lang=en): what each route does, who may call it, its fields,
 * its answers and an example of each. Self-contained: no script, no CDN.
 */

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const WORDS = {
  fr: {
    title: 'API Guichet',
    other: 'English',
    otherLang: 'en',
    intro: 'Chaque route, ses champs, ses réponses et un exemple.',
    machine: 'Version lisible par machine :',
    auth: {
      agent: 'JWT agent (Bearer) ou session de la console',
      bearer: 'JWT agent (Bearer)',
      session: 'Session de la console',
      service: 'Jeton de la passerelle téléphonique (Bearer, SIP_SERVICE_TOKEN)',
      none: 'Aucune',
    },
    authLabel: 'Authentification',
    fields: 'Champs',
    request: 'Exemple de requête',
    responses: 'Réponses',
    response: 'Exemple de réponse',
    query: 'Paramètres',
    required: 'obligatoire',
    optional: 'facultatif',
  },
  en: {
    title: 'Guichet API',
    other: 'Français',
    otherLang: 'fr',
    intro: 'Every route, its fields, its answers and an example.',
    machine: 'Machine-readable:',
    auth: {
      agent: 'Agent JWT (Bearer) or console session',
      bearer: 'Agent JWT (Bearer)',
      session: 'Console session',
      service: 'Phone gateway token (Bearer, SIP_SERVICE_TOKEN)',
      none: 'None',
    },
    authLabel: 'Authentication',
    fields: 'Fields',
    request: 'Example request',
    responses: 'Responses',
    response: 'Example response',
    query: 'Parameters',
    required: 'required',
    optional: 'optional',
  },
} as const;

function typeOf(schema: unknown): string {
  if (!isRecord(schema)) return 'any';
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(schema['anyOf'])) return schema['anyOf'].map(typeOf).join(' | ');
  if (schema['type'] === 'array') return `${typeOf(schema['items'])}[]`;
  if (typeof schema['type'] === 'string')
    return schema['format'] ? `${schema['type']} (${String(schema['format'])})` : schema['type'];
  return 'any';
}

/** The properties of an object schema, one level deep (nested objects listed as a.b). */
function fields(schema: unknown, lang: DocLang, prefix = ''): string[] {
  if (!isRecord(schema) || !isRecord(schema['properties'])) return [];
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  return Object.entries(schema['properties']).flatMap(([name, prop]) => {
    const line = `<li><code>${escapeHtml(prefix + name)}</code> <em>${escapeHtml(typeOf(prop))}</em>, ${
      required.includes(name) ? WORDS[lang].required : WORDS[lang].optional
    }${isRecord(prop) && typeof prop['description'] === 'string' ? ` : ${escapeHtml(prop['description'])}` : ''}</li>`;
    return prefix === '' ? [line, ...fields(prop, lang, `${name}.`)] : [line];
  });
}

const example = (title: string, value: unknown): string =>
  value === undefined ? '' : `<h4>${title}</h4><pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;

function section(route: RouteSpec, lang: DocLang): string {
  const w = WORDS[lang];
  const success = Object.entries(route.responses).find(([s]) => s.startsWith('2'));
  const json = (schema: z.ZodType | undefined, io: 'input' | 'output'): unknown =>
    schema ? z.toJSONSchema(schema, { io, unrepresentable: 'any' }) : undefined;
  const input = [...fields(json(route.query, 'input'), lang), ...fields(json(route.body, 'input'), lang)];
  const output = fields(json(success?.[1].schema, 'output'), lang);
  return `<section>
<h2><code>${route.method} ${escapeHtml(route.path)}</code></h2>
<p>${escapeHtml(route.summary[lang])}</p>
<p><strong>${w.authLabel}</strong> : ${w.auth[route.auth]}</p>
${input.length > 0 ? `<h3>${route.query ? w.query : w.fields}</h3><ul>${input.join('')}</ul>` : ''}
${example(w.request, route.example.request)}
<h3>${w.responses}</h3>
<ul>${Object.entries(route.responses)
    .map(([status, r]) => `<li><strong>${status}</strong> ${escapeHtml(r.description[lang])}</li>`)
    .join('')}</ul>
${output.length > 0 ? `<details><summary>${w.fields} (${success?.[0] ?? ''})</summary><ul>${output.join('')}</ul></details>` : ''}
${example(w.response, route.example.response)}
</section>`;
}

function renderDocs(lang: DocLang): string {
  const w = WORDS[lang];
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${w.title}</title><link rel="stylesheet" href="/styles.css"></head>
<body><main class="docs"><h1>${w.title}</h1>
<p><a href="/api/docs?lang=${w.otherLang}" lang="${w.otherLang}" hreflang="${w.otherLang}">${w.other}</a></p>
<p>${w.intro}</p>
<p>${w.machine} <a href="/api/openapi.json?lang=${lang}">/api/openapi.json</a> (OpenAPI 3.1).</p>
${API_ROUTES.map((route) => section(route, lang)).join('\n')}</main></body></html>`;
}

const LangQuerySchema = z.object({ lang: z.enum(['fr', 'en']).catch('fr') }).catch({ lang: 'fr' });

export function registerDocsRoutes(app: FastifyInstance, publicUrl: () => string): void {
  app.get('/api/openapi.json', async (request) => {
    const query = z
      .object({ lang: z.enum(['fr', 'en']).catch('en') })
      .catch({ lang: 'en' })
      .parse(request.query ?? {});
    return buildOpenApi(publicUrl(), query.lang);
  });
  app.get('/api/docs', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderDocs(LangQuerySchema.parse(request.query ?? {}).lang)),
  );
}
