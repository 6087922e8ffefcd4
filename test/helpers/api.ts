import { z } from 'zod';
import { AppointmentViewSchema, type AppointmentView } from '../../signaling/protocol/index.js';

/** Small REST client for tests: every answer is parsed, never cast. */
export function apiClient(baseUrl: string, token: string) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : null };
  };
  const appointment = async (
    method: string,
    path: string,
    body?: unknown,
    expected = 200,
  ): Promise<AppointmentView> => {
    const { status, json } = await call(method, path, body);
    if (status !== expected) throw new Error(`${method} ${path}: HTTP ${status} ${JSON.stringify(json)}`);
    return AppointmentViewSchema.parse(json);
  };
  return {
    call,
    book: (body: unknown) => appointment('POST', '/api/v1/appointments', body, 201),
    get: (id: string) => appointment('GET', `/api/v1/appointments/${id}`),
    patch: (id: string, body: unknown) => appointment('PATCH', `/api/v1/appointments/${id}`, body),
    cancel: (id: string) => appointment('DELETE', `/api/v1/appointments/${id}`),
    async list(query = ''): Promise<AppointmentView[]> {
      const { status, json } = await call('GET', `/api/v1/appointments${query}`);
      if (status !== 200) throw new Error(`list: HTTP ${status} ${JSON.stringify(json)}`);
      return z.object({ items: z.array(AppointmentViewSchema) }).parse(json).items;
    },
  };
}

export const FieldErrorsSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
