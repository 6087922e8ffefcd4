import { z } from 'zod';
import { CLUSTER_NODES_PATH, ClusterNodesSchema } from '../protocol/cluster.js';
import {
  DIAL_IN_RESOLVE_PATH,
  DialInResolutionSchema,
  DialInResolveBodySchema,
} from '../protocol/dial-in.js';
import {
  AgendaQuerySchema,
  AgendaSchema,
  FeedViewSchema,
  LocalSignInBodySchema,
  ResendViewSchema,
  SessionViewSchema,
  SignInOptionsSchema,
} from '../protocol/console.js';
import {
  AppointmentViewSchema,
  AuditEventViewSchema,
  CreateAppointmentBodySchema,
  CreateRoomBodySchema,
  ListAppointmentsQuerySchema,
  OutboxMessageViewSchema,
  PatchAppointmentBodySchema,
} from '../protocol/index.js';
import {
  EXAMPLE_APPOINTMENT,
  EXAMPLE_AUDIT,
  EXAMPLE_BOOKING,
  EXAMPLE_FEED,
  EXAMPLE_OUTBOX,
  EXAMPLE_ROOM,
  EXAMPLE_SESSION,
} from './api-examples.js';

/*
 * Every REST route, declared once: its schemas (the very zod schemas the
 * handlers parse with), words in French and English, and an example.
 * openapi.ts and the /api/docs page are generated from it, and
 * createHttpApp refuses to start if a registered /api route is missing
 * here (api-coverage.ts), so the documentation can't drift from the routes.
 */

export type Words = { fr: string; en: string };
export type Auth = 'agent' | 'bearer' | 'session' | 'service' | 'none';

export interface RouteResponse {
  description: Words;
  schema?: z.ZodType;
}

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Fastify syntax (`:id`); OpenAPI's `{id}` is derived. */
  path: string;
  summary: Words;
  /**
   * agent: bearer JWT or console session (+ CSRF token); bearer: JWT only; session: the console's
   * cookie only; service: the phone gateway's SIP_SERVICE_TOKEN as a bearer.
   */
  auth: Auth;
  query?: z.ZodObject;
  /** Request headers the route reads, beyond authentication. */
  headers?: { name: string; description: Words; pattern: string }[];
  body?: z.ZodType;
  responses: Record<string, RouteResponse>;
  example: { request?: unknown; response?: unknown };
}

const errors = (
  ...statuses: ('400' | '401' | '403' | '404' | '409' | '422' | '429' | '503')[]
): Record<string, RouteResponse> => {
  const all: Record<string, Words> = {
    '400': {
      fr: 'Entrée invalide ; `error.fields` nomme chaque champ',
      en: 'Invalid input; `error.fields` names each field',
    },
    '401': {
      fr: 'Jeton ou session absent, expiré ou invalide',
      en: 'Missing, expired or invalid token or session',
    },
    '403': { fr: 'Refusé (rôle, jeton CSRF ou origine)', en: 'Refused (role, CSRF token or origin)' },
    '404': { fr: 'Rendez-vous inconnu (ou pas le vôtre)', en: 'No such appointment (or not yours)' },
    '409': {
      fr: 'Rendez-vous annulé, terminé, ou modifié entre-temps',
      en: 'Cancelled, over, or changed meanwhile',
    },
    '422': {
      fr: 'IDEMPOTENCY_KEY_REUSED : cette clé a servi pour une autre réservation',
      en: 'IDEMPOTENCY_KEY_REUSED: this key was used for another booking',
    },
    '429': {
      fr: 'RATE_LIMITED : trop d’appels pour ce jeton ; voir Retry-After',
      en: 'RATE_LIMITED: too many calls for this token; see Retry-After',
    },
    '503': {
      fr: 'STORE_UNAVAILABLE : le stockage n’a pas répondu à temps ; rien n’a été fait ; réessayer après Retry-After',
      en: 'STORE_UNAVAILABLE: the data store did not answer in time; nothing was done; retry after Retry-After',
    },
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: all[s] ?? { fr: s, en: s }, schema: ErrorSchema }]),
  );
};

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const Appointments = z.object({ items: z.array(AppointmentViewSchema) });
const Audit = z.object({ events: z.array(AuditEventViewSchema) });
const Outbox = z.object({ messages: z.array(OutboxMessageViewSchema) });
const Room = z.object({ roomId: z.string(), password: z.string(), joinUrl: z.string() });
const appointment = (fr: string, en: string): RouteResponse => ({
  description: { fr, en },
  schema: AppointmentViewSchema,
});

export const API_ROUTES: readonly RouteSpec[] = [
  {
    method: 'POST',
    path: '/api/v1/appointments',
    summary: {
      fr: 'Réserver un rendez-vous ; l’invitation part aussitôt',
      en: 'Book an appointment; the invitation goes out at once',
    },
    auth: 'agent',
    headers: [
      {
        name: 'Idempotency-Key',
        description: {
          fr: 'Rend une nouvelle tentative sûre : la même clé et le même corps rendent la première réservation (gardée 24 h)',
          en: 'Makes a retry safe: the same key with the same body returns the first booking (kept 24 h)',
        },
        pattern: '^[A-Za-z0-9_.:-]{1,128}$',
      },
    ],
    body: CreateAppointmentBodySchema,
    responses: {
      '201': appointment('Réservé', 'Booked'),
      ...errors('400', '401', '403', '422', '429', '503'),
    },
    example: { request: EXAMPLE_BOOKING, response: EXAMPLE_APPOINTMENT },
  },
  {
    method: 'GET',
    path: '/api/v1/appointments',
    summary: {
      fr: 'Lister les rendez-vous (les siens ; tous pour un administrateur), par heure de début',
      en: "List appointments (an agent's own; all for admins), by start time",
    },
    auth: 'agent',
    query: ListAppointmentsQuerySchema,
    responses: {
      '200': { description: { fr: 'Rendez-vous', en: 'Appointments' }, schema: Appointments },
      ...errors('400', '401'),
    },
    example: { response: { items: [EXAMPLE_APPOINTMENT] } },
  },
  {
    method: 'GET',
    path: '/api/v1/appointments/:id',
    summary: {
      fr: 'Lire un rendez-vous, avec l’état de chaque message',
      en: 'Read an appointment, with the status of each message',
    },
    auth: 'agent',
    responses: { '200': appointment('Le rendez-vous', 'The appointment'), ...errors('401', '404') },
    example: { response: EXAMPLE_APPOINTMENT },
  },
  {
    method: 'PATCH',
    path: '/api/v1/appointments/:id',
    summary: {
      fr: 'Modifier un rendez-vous ; une nouvelle heure prévient la personne et réarme le rappel',
      en: 'Change an appointment; a new time sends a notice and re-arms the reminder',
    },
    auth: 'agent',
    body: PatchAppointmentBodySchema,
    responses: { '200': appointment('Modifié', 'Updated'), ...errors('400', '401', '403', '404', '409') },
    example: { request: { startsAt: '2026-12-03T15:00:00+01:00' }, response: EXAMPLE_APPOINTMENT },
  },
  {
    method: 'DELETE',
    path: '/api/v1/appointments/:id',
    summary: {
      fr: 'Annuler un rendez-vous ; la personne est prévenue',
      en: 'Cancel an appointment; the citizen is told',
    },
    auth: 'agent',
    responses: { '200': appointment('Annulé', 'Cancelled'), ...errors('401', '403', '404') },
    example: { response: { ...EXAMPLE_APPOINTMENT, status: 'cancelled' } },
  },
  {
    method: 'POST',
    path: '/api/v1/appointments/:id/resend',
    summary: {
      fr: 'Renvoyer l’invitation sur chaque canal',
      en: 'Send the invitation again on each channel',
    },
    auth: 'agent',
    responses: {
      '200': { description: { fr: 'Messages mis en file', en: 'Messages queued' }, schema: ResendViewSchema },
      ...errors('401', '403', '404', '409'),
    },
    example: { response: { queued: 2 } },
  },
  {
    method: 'GET',
    path: '/api/v1/appointments/:id/audit',
    summary: {
      fr: 'Le journal : qui a fait quoi, quand (sans données personnelles)',
      en: 'The audit trail: who did what, when (no personal data)',
    },
    auth: 'agent',
    responses: {
      '200': { description: { fr: 'Événements, du plus ancien', en: 'Events, oldest first' }, schema: Audit },
      ...errors('401', '404'),
    },
    example: { response: EXAMPLE_AUDIT },
  },
  {
    method: 'GET',
    path: '/api/v1/outbox',
    summary: {
      fr: 'Messages conservés au lieu d’être envoyés (ni SMTP ni passerelle SMS configurés)',
      en: 'Messages kept instead of sent (no SMTP or SMS gateway configured)',
    },
    auth: 'agent',
    responses: {
      '200': { description: { fr: 'Messages', en: 'Messages' }, schema: Outbox },
      ...errors('400', '401'),
    },
    example: { response: EXAMPLE_OUTBOX },
  },
  {
    method: 'POST',
    path: '/api/v1/rooms',
    summary: {
      fr: 'Créer une salle ponctuelle (sans rendez-vous)',
      en: 'Create an ad-hoc room (no appointment)',
    },
    auth: 'bearer',
    body: CreateRoomBodySchema,
    responses: {
      '201': { description: { fr: 'Créée', en: 'Created' }, schema: Room },
      ...errors('400', '401'),
    },
    example: { request: { title: 'Point d’équipe' }, response: EXAMPLE_ROOM },
  },
  {
    method: 'POST',
    path: '/api/v1/rooms/:roomId/end',
    summary: {
      fr: 'Mettre fin à la salle pour tout le monde, salle d’attente comprise',
      en: 'End the room for everyone, the lobby included',
    },
    auth: 'bearer',
    responses: {
      '204': { description: { fr: 'Terminée (ou personne dedans)', en: 'Ended (or nobody inside)' } },
      ...errors('401', '404'),
    },
    example: {},
  },
  {
    method: 'GET',
    path: CLUSTER_NODES_PATH,
    summary: {
      fr: 'Les nœuds en service : le navigateur s’y reconnecte si le sien tombe',
      en: 'The live nodes: the browser reconnects through them if its own one dies',
    },
    auth: 'none',
    responses: { '200': { description: { fr: 'Les nœuds', en: 'The nodes' }, schema: ClusterNodesSchema } },
    example: { response: { nodes: [{ id: 'node-a', url: 'https://visio.example.fr/n/node-a' }] } },
  },
  {
    method: 'GET',
    path: '/api/v1/session/options',
    summary: {
      fr: 'Les moyens de connexion proposés par la console',
      en: 'The sign-in methods the console offers',
    },
    auth: 'none',
    responses: { '200': { description: { fr: 'Options', en: 'Options' }, schema: SignInOptionsSchema } },
    example: { response: { local: true, oidc: { label: 'ProConnect', url: '/agent/oidc/login' } } },
  },
  {
    method: 'POST',
    path: '/api/v1/session',
    summary: {
      fr: 'Se connecter avec un compte local ; pose le cookie de session (httpOnly)',
      en: 'Sign in with a local account; sets the session cookie (httpOnly)',
    },
    auth: 'none',
    body: LocalSignInBodySchema,
    responses: {
      '201': { description: { fr: 'Connecté', en: 'Signed in' }, schema: SessionViewSchema },
      ...errors('400', '401', '403', '429'),
    },
    example: {
      request: { id: 'alice', password: 'correct horse battery staple' },
      response: EXAMPLE_SESSION,
    },
  },
  {
    method: 'GET',
    path: '/api/v1/session',
    summary: { fr: 'La session en cours et son jeton CSRF', en: 'The current session and its CSRF token' },
    auth: 'session',
    responses: {
      '200': { description: { fr: 'Session', en: 'Session' }, schema: SessionViewSchema },
      ...errors('401'),
    },
    example: { response: EXAMPLE_SESSION },
  },
  {
    method: 'DELETE',
    path: '/api/v1/session',
    summary: {
      fr: 'Se déconnecter (la session est détruite côté serveur)',
      en: 'Sign out (the session is deleted server-side)',
    },
    auth: 'session',
    responses: { '204': { description: { fr: 'Déconnecté', en: 'Signed out' } }, ...errors('403') },
    example: {},
  },
  {
    method: 'GET',
    path: '/api/v1/console/agenda',
    summary: {
      fr: 'Les rendez-vous d’une période, avec qui attend en salle d’attente',
      en: 'Appointments in a period, with who waits in the lobby',
    },
    auth: 'agent',
    query: AgendaQuerySchema,
    responses: {
      '200': { description: { fr: 'Agenda', en: 'Agenda' }, schema: AgendaSchema },
      ...errors('400', '401'),
    },
    example: { response: { items: [{ ...EXAMPLE_APPOINTMENT, waitingSince: '2026-12-03T13:20:11.000Z' }] } },
  },
  {
    method: 'GET',
    path: '/api/v1/console/feed',
    summary: { fr: 'L’agenda ICS de l’agent est-il actif ?', en: "Is the agent's ICS feed active?" },
    auth: 'agent',
    responses: {
      '200': { description: { fr: 'État', en: 'State' }, schema: FeedViewSchema },
      ...errors('401'),
    },
    example: { response: { active: true, url: null } },
  },
  {
    method: 'POST',
    path: '/api/v1/console/feed',
    summary: {
      fr: 'Créer une adresse secrète d’agenda ICS (l’ancienne cesse de fonctionner)',
      en: 'Create a secret ICS feed address (the previous one stops working)',
    },
    auth: 'agent',
    responses: {
      '201': {
        description: { fr: 'Adresse, affichée une seule fois', en: 'Address, shown once' },
        schema: FeedViewSchema,
      },
      ...errors('401', '403'),
    },
    example: { response: EXAMPLE_FEED },
  },
  {
    method: 'DELETE',
    path: '/api/v1/console/feed',
    summary: { fr: 'Révoquer l’adresse d’agenda', en: 'Revoke the feed address' },
    auth: 'agent',
    responses: { '204': { description: { fr: 'Révoquée', en: 'Revoked' } }, ...errors('401', '403') },
    example: {},
  },
  {
    method: 'POST',
    path: DIAL_IN_RESOLVE_PATH,
    summary: {
      fr: 'Passerelle téléphonique : la salle d’un code d’accès (PIN), et si elle est ouverte',
      en: 'Phone gateway: the room of a dial-in PIN, and whether it is open',
    },
    auth: 'service',
    body: DialInResolveBodySchema,
    responses: {
      '200': {
        description: { fr: 'La salle et sa fenêtre d’accès', en: 'The room and its access window' },
        schema: DialInResolutionSchema,
      },
      '400': {
        description: { fr: 'Entrée invalide', en: 'Invalid input' },
        schema: ErrorSchema,
      },
      '401': {
        description: {
          fr: 'WRONG_PASSWORD : code inconnu ou erroné (une seule réponse) ; UNAUTHORIZED : jeton de service absent ou faux',
          en: 'WRONG_PASSWORD: unknown or wrong PIN (one answer for both); UNAUTHORIZED: missing or wrong service token',
        },
        schema: ErrorSchema,
      },
      ...errors('429', '503'),
    },
    example: {
      request: { pin: '314159' },
      response: {
        roomId: 'k7q-xm4-p2d',
        startsAt: '2026-12-03T13:30:00.000Z',
        opensAt: '2026-12-03T13:15:00.000Z',
        access: 'open',
        status: 'scheduled',
      },
    },
  },
];
