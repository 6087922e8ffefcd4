/*
 * Guichet's service worker: keeps the page shell (HTML, CSS, JS, icons) so
 * the page opens even on a flaky network. Network first, so a new version
 * is always used when the server answers; the cache is only the fallback.
 * Never touches the API, socket.io, or anything with a query string (a
 * one-click link's token must not be stored).
 */
const CACHE = 'guichet-shell-v1';
const SHELL = [
  '/',
  '/styles.css',
  '/assets/app.js',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // A room page is the shell too (same index.html), unless the server sends its waiting page.
  const navigation = request.mode === 'navigate' && (url.pathname === '/' || url.pathname.startsWith('/r/'));
  const key = navigation ? '/' : url.pathname;
  if (!SHELL.includes(key) || (!navigation && url.search !== '')) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !navigation) {
          const copy = response.clone();
          void caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => caches.match(key).then((cached) => cached || Response.error())),
  );
});
