import { LANG_STORAGE_KEY, pickInitialLang } from './i18n/i18n.js';
import type { RecvStats } from './recv-stats.js';
import { parseRoute } from './route.js';
import { App } from './ui/app.js';
import { readSetting } from './ui/dom.js';
import { applyLang, setupLangSwitch } from './ui/lang-switch.js';
import { registerServiceWorker } from './pwa.js';

/**
 * Test hook. End-to-end tests must prove that media really flows, and a
 * resolved join() proves nothing (produce and consume succeed even when ICE
 * never starts). Only the receive transport's getStats() shows decoded
 * frames and the ICE path, and that RTCPeerConnection is private to
 * mediasoup-client, so the page exposes a read-only summary of it. It
 * carries counters and an address, nothing a page script couldn't see anyway.
 */
export interface GuichetDebug {
  getRecvStats(): Promise<RecvStats>;
  /** Reconnection tests: cut the signaling connection as a network loss would. */
  dropSignaling(): void;
  /** Forces the ICE restart path on every transport; resolves with how many. */
  restartIce(): Promise<number>;
  /** Our peer id, to check that a resume kept our place. */
  peerId(): string | undefined;
  /** How many times the call rebuilt its media after the server moved it (a worker died). */
  mediaRestarts(): number;
}

declare global {
  interface Window {
    __guichetDebug?: GuichetDebug;
  }
}

function main(): void {
  applyLang(
    pickInitialLang({
      search: window.location.search,
      stored: readSetting(LANG_STORAGE_KEY),
      navigatorLanguage: window.navigator.language,
    }),
  );
  setupLangSwitch();
  const app = new App();
  window.__guichetDebug = {
    getRecvStats: () => app.getRecvStats(),
    dropSignaling: () => app.currentCall?.dropSignaling(),
    restartIce: () => app.currentCall?.restartIce() ?? Promise.resolve(0),
    peerId: () => app.currentCall?.resumeToken?.peerId,
    mediaRestarts: () => app.currentCall?.mediaRestarts ?? 0,
  };
  registerServiceWorker();
  app.start(parseRoute(window.location));
}

main();
