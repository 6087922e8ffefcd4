import * as z from 'zod';
import { PeerIdSchema } from './ids.js';

/*
 * Lobby, host controls, identity check and chat. Every request here is
 * checked server-side against the sender's role and state; the client only
 * hides buttons.
 */

const ReasonSchema = z.string().trim().max(200, 'reason longer than 200 characters');

/** Host: let a knocking guest in. */
export const AdmitRequestSchema = z.object({ peerId: PeerIdSchema }).strict();
/** Host: turn a knocking guest away; they see the reason. */
export const RefuseRequestSchema = z
  .object({ peerId: PeerIdSchema, reason: ReasonSchema.optional() })
  .strict();
/** Host: remove someone from the call. */
export const RemovePeerRequestSchema = z
  .object({ peerId: PeerIdSchema, reason: ReasonSchema.optional() })
  .strict();
/** Host: mute a participant's microphone (they may unmute themselves later). */
export const MutePeerRequestSchema = z.object({ peerId: PeerIdSchema }).strict();
/** Host: no new knocks while locked. */
export const LockRoomRequestSchema = z.object({ locked: z.boolean() }).strict();
/** Host: ask a guest to show an ID document (the guest's client offers the rear camera / HD mode). */
export const RequestDocumentSchema = z.object({ peerId: PeerIdSchema }).strict();

/**
 * Guest: what document mode is doing on her side, for the agent to see
 * (issue 16). `rear`, `front` and `unknown-side` say a camera is sent, with
 * the size it really captures (when the browser tells it); `unknown-side` when the browser does not say
 * which way the camera faces (desktop webcams). The failures say why the rear
 * camera did not start; `lost`: it stopped on the way; `off`: she finished.
 */
export const DOCUMENT_STATES = [
  'rear',
  'front',
  'unknown-side',
  'denied',
  'not-found',
  'busy',
  'failed',
  'lost',
  'off',
] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];
/** The states in which a camera is being sent, and so carry its size. */
export const DOCUMENT_CAMERA_STATES: readonly DocumentState[] = ['rear', 'front', 'unknown-side'];
const PixelsSchema = z.number().int().min(1).max(16_384);
export const DocumentStateRequestSchema = z
  .object({ state: z.enum(DOCUMENT_STATES), width: PixelsSchema.optional(), height: PixelsSchema.optional() })
  .strict()
  .refine(
    (v) =>
      (v.width === undefined) === (v.height === undefined) &&
      (v.width === undefined || DOCUMENT_CAMERA_STATES.includes(v.state)),
    // A browser that does not tell the size sends none rather than a guess.
    { message: 'width and height together, and only with a camera state', path: ['width'] },
  );
export type DocumentStateReport = z.infer<typeof DocumentStateRequestSchema>;

export const IDENTITY_METHODS = ['id-document', 'known-person', 'other'] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];
/** Host: record "identité vérifiée" in the appointment's audit trail. No image is ever sent or stored. */
export const VerifyIdentityRequestSchema = z
  .object({
    peerId: PeerIdSchema,
    method: z.enum(IDENTITY_METHODS),
    note: z.string().trim().max(200).optional(),
  })
  .strict();

/**
 * Guest in the lobby: a small still of their camera for the host to look at
 * before admitting. JPEG data URL, relayed to hosts only, never stored.
 */
export const MAX_PREVIEW_CHARS = 24 * 1024;
export const LobbyPreviewRequestSchema = z
  .object({
    image: z
      .string()
      .max(MAX_PREVIEW_CHARS, 'preview image too large')
      .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/, 'a JPEG data URL'),
  })
  .strict();

/** Chat: plain text, never stored, never rendered as HTML. */
export const MAX_CHAT_CHARS = 1000;
export const ChatRequestSchema = z
  .object({
    text: z
      .string()
      .trim()
      .min(1, 'empty message')
      .max(MAX_CHAT_CHARS, `message longer than ${MAX_CHAT_CHARS} characters`),
  })
  .strict();
