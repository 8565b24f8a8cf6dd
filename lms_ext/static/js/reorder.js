// Drag and drop to reorder steps; the "Move up / Move down" buttons do the same without JavaScript.
(function () {
  var list = document.querySelector('[data-reorder-url]');
  if (!list) return;
  var dragged = null;
  list.addEventListener('dragstart', function (event) {
    dragged = event.target.closest('li[data-id]');
    if (dragged) { dragged.classList.add('dragging'); event.dataTransfer.effectAllowed = 'move'; }
  });
  list.addEventListener('dragover', function (event) {
    var over = event.target.closest('li[data-id]');
    if (!dragged || !over || over === dragged) return;
    event.preventDefault();
    var after = event.clientY > over.getBoundingClientRect().top + over.offsetHeight / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener('dragend', function () {
    if (!dragged) return;
    dragged.classList.remove('dragging');
    dragged = null;
    var body = new URLSearchParams();
    list.querySelectorAll('li[data-id]').forEach(function (li) { body.append('order', li.getAttribute('data-id')); });
    fetch(list.getAttribute('data-reorder-url'), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: {'X-CSRFToken': list.getAttribute('data-csrf'), 'Accept': 'application/json'}
    }).then(function (response) { if (response.ok) { location.reload(); } });
  });
})();
