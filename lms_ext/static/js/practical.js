// Practical sign-off, progressive enhancement: poll the session state (no websockets) and reload when it
// changes; on the learner's screen, fetch a fresh QR code every 30 s (each token lives 60 s).
(function () {
  'use strict';
  var live = document.querySelector('.practical-live[data-status-url]');
  if (!live) return;
  var state = live.getAttribute('data-state');
  if (state === 'sealed' || state === 'cancelled') return;

  function poll() {
    fetch(live.getAttribute('data-status-url'), {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && data.state !== state) { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });  // a poor connection: keep trying, slower
  }
  window.setTimeout(poll, 2000);

  var qrUrl = live.getAttribute('data-qr-url');
  var frame = live.querySelector('[data-qr]');
  if (qrUrl && frame) {
    window.setInterval(function () {
      fetch(qrUrl, {credentials: 'same-origin', cache: 'no-store'})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && data.svg) frame.innerHTML = data.svg; })
        .catch(function () {});
    }, 30000);
  }

  // A double tap or a retry sends the same form (same idempotency key) once from this page.
  var once = document.querySelector('form[data-once]');
  if (once) {
    once.addEventListener('submit', function () {
      var button = once.querySelector('button[type=submit]');
      window.setTimeout(function () { if (button) button.disabled = true; }, 0);
    });
  }
}());
