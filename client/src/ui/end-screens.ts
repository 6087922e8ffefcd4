import type { CallEnd } from '../call-types.js';
import type { ErrorCode } from '../../../signaling/protocol/index.js';
import { byId, setText } from './dom.js';

/**
 * Refused at the door or removed from the call: the end screen says so,
 * with the host's own words when they gave some (the server sends an empty
 * message otherwise). False for other codes.
 */
export function showKickedScreen(code: ErrorCode | string | undefined, reason: string | undefined): boolean {
  if (code !== 'REFUSED' && code !== 'REMOVED') return false;
  const title = byId('ended-title', HTMLElement);
  const message = byId('ended-message', HTMLElement);
  setText(title, code === 'REFUSED' ? 'lobby.refusedTitle' : 'ended.removedTitle');
  const words = reason?.trim();
  if (words) setText(message, 'lobby.reason', { reason: words });
  else setText(message, code === 'REFUSED' ? 'error.REFUSED' : 'error.REMOVED');
  byId('rejoin', HTMLButtonElement).hidden = true;
  return true;
}

/** « Rejoindre à nouveau » makes no sense once the host ended the meeting or sent us away. */
export function setRejoinOffered(end: CallEnd): void {
  const final = (end.kind === 'roomClosed' && end.reason === 'ended') || end.kind === 'kicked';
  byId('rejoin', HTMLButtonElement).hidden = final;
}
