// Autosave: each answer is sent as soon as it is given; the Save button does the same without JavaScript.
// Interactive quizzes: "Check" grades one question on the server and shows its feedback in place (without
// JavaScript the button posts the whole form and the page comes back with the feedback).
(function () {
  var form = document.querySelector('form[data-autosave-base]');
  if (!form) return;
  var base = form.getAttribute('data-autosave-base'), csrf = form.getAttribute('data-csrf');
  function response(fieldset) {
    var q = fieldset.getAttribute('data-question'), type = fieldset.getAttribute('data-qtype'), name = 'q' + q;
    var checked = fieldset.querySelectorAll('input[name="' + name + '"]:checked');
    if (type === 'multichoice') return checked.length ? {choice: parseInt(checked[0].value, 10)} : null;
    if (type === 'multiresponse') return {choices: Array.prototype.map.call(checked, function (i) { return parseInt(i.value, 10); })};
    if (type === 'truefalse') return checked.length ? {value: checked[0].value === 'true'} : null;
    if (type === 'numerical') { var n = fieldset.querySelector('[name="' + name + '"]').value; return n ? {value: n} : null; }
    if (type === 'shortanswer' || type === 'essay') { var t = fieldset.querySelector('[name="' + name + '"]').value; return t ? {text: t} : null; }
    if (type === 'matching') {
      var pairs = {};
      fieldset.querySelectorAll('select').forEach(function (s) { if (s.value) pairs[s.name.split('_m_')[1]] = s.value; });
      return {pairs: pairs};
    }
    return null;
  }
  function withCertainty(fieldset, body) {
    var c = fieldset.querySelector('input[name="q' + fieldset.getAttribute('data-question') + '_certainty"]:checked');
    if (body && c) body.certainty = parseInt(c.value, 10);
    return body;
  }
  function post(url, body) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Accept': 'application/json'}
    });
  }
  function save(fieldset) {
    var body = withCertainty(fieldset, response(fieldset)), state = fieldset.querySelector('.save-state');
    if (!body) return;
    state.textContent = '…';
    post(base + fieldset.getAttribute('data-question'), body).then(function (r) {
      state.textContent = form.getAttribute(r.ok ? 'data-msg-saved' : 'data-msg-failed');
    }).catch(function () { state.textContent = form.getAttribute('data-msg-offline'); });
  }
  function check(fieldset, button) {
    var body = withCertainty(fieldset, response(fieldset)), result = fieldset.querySelector('.check-result');
    if (!body) { button.form.requestSubmit(button); return; }  // the server explains what is missing
    button.disabled = true;
    result.textContent = form.getAttribute('data-msg-checking');
    post(base + fieldset.getAttribute('data-question') + '/check', body).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (data) {
      result.innerHTML = data.html;  // rendered and escaped by the server's template
      if (data.finished) {
        fieldset.querySelectorAll('input, select, textarea').forEach(function (i) { i.disabled = true; });
        button.remove();
      } else {
        button.disabled = false;
      }
    }).catch(function () {
      result.textContent = form.getAttribute('data-msg-check-failed');
      button.disabled = false;
    });
  }
  form.addEventListener('change', function (event) {
    var fieldset = event.target.closest('fieldset[data-question]');
    if (fieldset) save(fieldset);
  });
  form.addEventListener('click', function (event) {
    var button = event.target.closest('[data-check]');
    if (!button) return;
    event.preventDefault();
    check(button.closest('fieldset[data-question]'), button);
  });
  form.querySelector('[data-submit]').addEventListener('click', function (event) {
    if (event.detail > 1) event.preventDefault();  // a double click submits once (the server is idempotent too)
  });
})();
