// Progressive enhancement for the player: a playback-speed control next to each video and audio.
(function () {
  var speeds = [0.75, 1, 1.25, 1.5, 2];
  document.querySelectorAll('[data-speed-control]').forEach(function (media, index) {
    var label = document.createElement('label');
    label.className = 'speed-control';
    label.textContent = media.getAttribute('data-speed-control') + ' ';
    var select = document.createElement('select');
    select.id = 'speed-' + index;
    speeds.forEach(function (speed) {
      var option = document.createElement('option');
      option.value = String(speed);
      option.textContent = speed + '×';
      if (speed === 1) option.selected = true;
      select.appendChild(option);
    });
    select.addEventListener('change', function () { media.playbackRate = parseFloat(select.value); });
    label.appendChild(select);
    media.insertAdjacentElement('afterend', label);
  });
})();

// Time spent on a unit, sent when the learner leaves the page (for the trainer's format analytics).
(function () {
  var beacon = document.getElementById('time-beacon');
  if (!beacon || !navigator.sendBeacon) return;
  var started = Date.now(), sent = false;
  function send() {
    if (sent) return;
    sent = true;
    var data = new FormData();
    data.append('seconds', String(Math.round((Date.now() - started) / 1000)));
    data.append('csrf_token', beacon.getAttribute('data-csrf'));
    navigator.sendBeacon(beacon.getAttribute('data-url'), data);
  }
  window.addEventListener('pagehide', send);
  document.addEventListener('visibilitychange', function () { if (document.visibilityState === 'hidden') send(); });
})();
