import type { z } from 'zod';
import { DialInCodeQuerySchema, JitsiConfCodeSchema, JitsiDialInNumbersSchema } from '../protocol/dial-in.js';
import type { RouteSpec } from './api-catalog.js';
import { DIAL_IN_CODE_PATH, DIAL_IN_NUMBERS_PATH, DialInNumbersQuerySchema } from './dial-in-routes.js';

/** The dial-in routes of the catalog (api-catalog.ts), kept apart so each part of the API stays small. */
export function dialInRoutes(errorSchema: z.ZodType): RouteSpec[] {
  const error = (fr: string, en: string) => ({ description: { fr, en }, schema: errorSchema });
  return [
    {
      method: 'GET',
      path: DIAL_IN_NUMBERS_PATH,
      summary: {
        fr: 'Les numéros d’appel par pays (format « dialInNumbersUrl » de Jitsi Meet) ; vide sans DIAL_IN_NUMBERS',
        en: 'The dial-in numbers by country (Jitsi Meet’s “dialInNumbersUrl” format); empty without DIAL_IN_NUMBERS',
      },
      auth: 'none',
      query: DialInNumbersQuerySchema,
      responses: {
        '200': {
          description: { fr: 'Les numéros', en: 'The numbers' },
          schema: JitsiDialInNumbersSchema,
        },
      },
      example: {
        response: [
          { countryCode: 'FR', tollFree: false, formattedNumber: '+33 1 86 95 00 00', default: true },
          { countryCode: 'BE', tollFree: true, formattedNumber: '+32 800 00 000', default: false },
        ],
      },
    },
    {
      method: 'GET',
      path: DIAL_IN_CODE_PATH,
      summary: {
        fr: 'Le code (PIN) d’un rendez-vous, pour qui prouve son accès : jeton du lien (`t`) ou en-tête X-Room-Password (format « dialInConfCodeUrl » de Jitsi Meet)',
        en: 'An appointment’s PIN, for whoever proves access: the link’s token (`t`) or the X-Room-Password header (Jitsi Meet’s “dialInConfCodeUrl” format)',
      },
      auth: 'none',
      query: DialInCodeQuerySchema,
      headers: [
        {
          name: 'X-Room-Password',
          description: {
            fr: 'Le mot de passe de la salle, si la requête ne porte pas de jeton `t`',
            en: 'The room password, when the request carries no `t` token',
          },
          pattern: '^.{1,128}$',
        },
      ],
      responses: {
        '200': {
          description: {
            fr: '`id` est le code, en chaîne (il peut commencer par 0)',
            en: '`id` is the PIN, as a string (it may start with 0)',
          },
          schema: JitsiConfCodeSchema,
        },
        '400': error('`conference` manquant', '`conference` missing'),
        '401': error(
          'Ni jeton ni mot de passe, ou l’un des deux faux, ou salle inconnue (même réponse)',
          'No token or password, a wrong one, or an unknown room (the same answer)',
        ),
        '404': error('Pas de numéro d’appel sur ce serveur', 'No dial-in number on this server'),
        '410': error(
          'Rendez-vous annulé ou terminé : le code ne sert plus',
          'Cancelled or over: the PIN is void',
        ),
        '429': error('Trop d’essais faux ; voir Retry-After', 'Too many wrong tries; see Retry-After'),
      },
      example: {
        response: {
          conference: 'abcd-efgh-jkmn',
          id: '482913',
          message: 'Appelez le +33 1 86 95 00 00 et tapez le code 482913 suivi de #.',
        },
      },
    },
  ];
}
