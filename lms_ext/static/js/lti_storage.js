// LTI client-side postMessages (platform storage): when the LMS offers `lti_storage_target`, the login
// stores a secret for the state in the platform's storage frame ("put"), and the launch reads it back
// ("get") to prove that this browser started the login, without relying on third-party cookies.
(function () {
  var box = document.getElementById('lti-storage');
  var mode = box.dataset.mode, origin = box.dataset.origin, key = box.dataset.key;
  var target = box.dataset.target === '_parent' ? window.parent : window.parent.frames[box.dataset.target];
  var messageId = 'lti-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
  var done = false;

  function fail() {
    if (done) return;
    done = true;
    document.getElementById('storage-wait').hidden = true;
    document.getElementById('storage-failed').hidden = false;
  }

  window.addEventListener('message', function (event) {
    var data = event.data || {};
    if (done || event.origin !== origin || data.message_id !== messageId) return;
    if (data.subject !== 'lti.' + mode + '_data.response') return;
    if (data.error) return fail();
    done = true;
    if (mode === 'put') {
      window.location.replace(box.dataset.next);
    } else {
      var form = document.getElementById('storage-continue');
      form.elements.lti_storage_proof.value = data.value || '';
      form.submit();
    }
  });

  if (!target || target === window) return fail();
  var message = {subject: 'lti.' + mode + '_data', message_id: messageId, key: key};
  if (mode === 'put') message.value = box.dataset.value;
  target.postMessage(message, origin);
  setTimeout(fail, 5000);
})();
