// The waiting page (signaling/http/waiting-page.ts) reloads itself when the
// room opens, and at least every minute in case the appointment moved. A
// script rather than <meta http-equiv="refresh">, which screen readers and
// axe treat as a page that changes under the user without warning.
const seconds = Number(document.currentScript?.dataset.reloadIn ?? '60');
setTimeout(() => location.reload(), Math.max(5, seconds) * 1000);
