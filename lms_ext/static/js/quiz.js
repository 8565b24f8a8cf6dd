// Autosave: each answer is sent as soon as it is given; the Save button does the same without JavaScript.
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
  function save(fieldset) {
    var body = response(fieldset), state = fieldset.querySelector('.save-state');
    if (!body) return;
    state.textContent = '…';
    fetch(base + fieldset.getAttribute('data-question'), {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf, 'Accept': 'application/json'}
    }).then(function (r) {
      state.textContent = form.getAttribute(r.ok ? 'data-msg-saved' : 'data-msg-failed');
    }).catch(function () { state.textContent = form.getAttribute('data-msg-offline'); });
  }
  form.addEventListener('change', function (event) {
    var fieldset = event.target.closest('fieldset[data-question]');
    if (fieldset) save(fieldset);
  });
  form.querySelector('[data-submit]').addEventListener('click', function (event) {
    if (event.detail > 1) event.preventDefault();  // a double click submits once (the server is idempotent too)
  });
})();
