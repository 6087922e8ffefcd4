import type { CallEnd } from '../call-types.js';
import type { ErrorCode, RoomClosedReason } from '../../../signaling/protocol/index.js';
import type { MessageKey } from '../i18n/i18n.js';
import { byId, clearText, setText } from './dom.js';

/** A refused citizen may knock again, but not at once: the agent said no a moment ago. */
export const KNOCK_AGAIN_AFTER_S = 60;

let countdown: ReturnType<typeof setInterval> | undefined;

/**
 * Refused at the door or removed from the call: the end screen says so,
 * with the host's own words when they gave some (the server sends an empty
 * message otherwise). A refusal offers « Frapper à nouveau » after a pause.
 * False for other codes.
 */
export function showKickedScreen(code: ErrorCode | string | undefined, reason: string | undefined): boolean {
  if (code !== 'REFUSED' && code !== 'REMOVED') return false;
  const title = byId('ended-title', HTMLElement);
  const message = byId('ended-message', HTMLElement);
  setText(title, code === 'REFUSED' ? 'lobby.refusedTitle' : 'ended.removedTitle');
  const words = reason?.trim();
  if (words) setText(message, 'lobby.reason', { reason: words });
  else setText(message, code === 'REFUSED' ? 'error.REFUSED' : 'error.REMOVED');
  resetRejoin();
  if (code === 'REFUSED') offerKnockAgain(KNOCK_AGAIN_AFTER_S);
  else byId('rejoin', HTMLButtonElement).hidden = true;
  return true;
}

/** Reasons after which coming back now makes no sense: the meeting is over, or not now. */
const FINAL_REASONS: readonly RoomClosedReason[] = ['ended', 'cancelled', 'rescheduled'];

/** « Rejoindre à nouveau » makes no sense once the host ended the meeting or sent us away. */
export function setRejoinOffered(end: CallEnd): void {
  resetRejoin();
  const final = (end.kind === 'roomClosed' && FINAL_REASONS.includes(end.reason)) || end.kind === 'kicked';
  byId('rejoin', HTMLButtonElement).hidden = final;
}

/** The title of the end screen for a room that closed. */
export function closedTitle(reason: RoomClosedReason): MessageKey {
  if (reason === 'ended') return 'ended.endedTitle';
  if (reason === 'cancelled') return 'ended.cancelledTitle';
  if (reason === 'rescheduled') return 'ended.rescheduledTitle';
  return 'ended.closedTitle';
}

/** Cancelled or moved while waiting in the lobby: the end screen says so. False for other closings. */
export function showCancelledScreen(reason: RoomClosedReason | undefined): boolean {
  if (reason !== 'cancelled' && reason !== 'rescheduled') return false;
  setText(byId('ended-title', HTMLElement), closedTitle(reason));
  setText(byId('ended-message', HTMLElement), `ended.closed.${reason}`);
  byId('rejoin', HTMLButtonElement).hidden = true;
  return true;
}

/** The button shows, disabled, with the seconds left under it; then it works. */
function offerKnockAgain(seconds: number): void {
  const button = byId('rejoin', HTMLButtonElement);
  const wait = byId('rejoin-wait', HTMLElement);
  setText(button, 'lobby.knockAgain');
  button.hidden = false;
  button.disabled = true;
  let left = seconds;
  setText(wait, 'lobby.knockAgainIn', { seconds: left });
  countdown = setInterval(() => {
    left -= 1;
    if (left > 0) {
      setText(wait, 'lobby.knockAgainIn', { seconds: left });
      return;
    }
    clearInterval(countdown);
    clearText(wait);
    button.disabled = false;
  }, 1_000);
}

function resetRejoin(): void {
  clearInterval(countdown);
  clearText(byId('rejoin-wait', HTMLElement));
  const button = byId('rejoin', HTMLButtonElement);
  button.disabled = false;
  setText(button, 'ended.rejoin');
}
