/*
 * The installable web app: the service worker (client/static/sw.js) keeps
 * the page shell so the page opens on a flaky network. Installing is offered
 * by the browser, never forced: the link in the SMS works without it.
 */
export function registerServiceWorker(): void {
  // Service workers need a secure page; over plain http the page just works without.
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => {
    console.warn('guichet: service worker not registered', error);
  });
}
