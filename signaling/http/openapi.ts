import { z } from 'zod';
import { API_ROUTES, type RouteSpec } from './api-catalog.js';

/*
 * The OpenAPI 3.1 document, generated from the route catalog
 * (api-catalog.ts): the very zod schemas the routes parse with, so the
 * documentation can't drift from the behaviour. French or English words.
 */

export type DocLang = 'fr' | 'en';

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): unknown =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' });

const SECURITY = {
  none: [],
  bearer: [{ agentJwt: [] }],
  session: [{ consoleSession: [] }],
  service: [{ serviceToken: [] }],
};

export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

function operation(route: RouteSpec, lang: DocLang): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  }));
  const query = route.query ? jsonSchema(route.query, 'input') : null;
  const queryParams =
    typeof query === 'object' &&
    query !== null &&
    'properties' in query &&
    typeof query.properties === 'object'
      ? Object.entries(query.properties ?? {}).map(([name, schema]) => ({
          name,
          in: 'query',
          required:
            Array.isArray(Reflect.get(query, 'required')) && Reflect.get(query, 'required').includes(name),
          schema,
        }))
      : [];
  const headerParams = (route.headers ?? []).map((header) => ({
    name: header.name,
    in: 'header',
    required: false,
    description: header.description[lang],
    schema: { type: 'string', pattern: header.pattern },
  }));
  const parameters = [...pathParams, ...queryParams, ...headerParams];
  const success = Object.keys(route.responses).find((s) => s.startsWith('2'));
  return {
    summary: route.summary[lang],
    ...(route.auth === 'agent' ? {} : { security: SECURITY[route.auth] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: jsonSchema(route.body, 'input'),
                ...(route.example.request !== undefined ? { example: route.example.request } : {}),
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description[lang],
          ...(response.schema
            ? {
                content: {
                  'application/json': {
                    schema: jsonSchema(response.schema, 'output'),
                    ...(status === success && route.example.response !== undefined
                      ? { example: route.example.response }
                      : {}),
                  },
                },
              }
            : {}),
        },
      ]),
    ),
  };
}

export function buildOpenApi(serverUrl: string, lang: DocLang = 'en'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const item = (paths[openApiPath(route.path)] ??= {});
    item[route.method.toLowerCase()] = operation(route, lang);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: lang === 'fr' ? 'API Guichet' : 'Guichet API',
      version: '1',
      description:
        lang === 'fr'
          ? 'Les agents réservent des rendez-vous vidéo ; les personnes reçoivent un lien par e-mail ou SMS. ' +
            'Authentification : `Authorization: Bearer <JWT agent>` (revendications sub, name, role, exp) pour les outils de réservation, ' +
            'ou le cookie de session de la console avec l’en-tête `X-CSRF-Token` sur chaque modification.'
          : 'Agents book video appointments; citizens receive a link by email or SMS. ' +
            'Authenticate with `Authorization: Bearer <agent JWT>` (claims: sub, name, role, exp) from booking tools, ' +
            'or with the console’s session cookie plus the `X-CSRF-Token` header on every change.',
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        agentJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'guichet_session' },
        serviceToken: { type: 'http', scheme: 'bearer', description: 'SIP_SERVICE_TOKEN' },
      },
    },
    security: [{ agentJwt: [] }, { consoleSession: [] }],
    paths,
  };
}
