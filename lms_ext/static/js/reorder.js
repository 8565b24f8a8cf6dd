// Drag and drop to reorder steps; the "Move up / Move down" buttons do the same without JavaScript.
(function () {
  var list = document.querySelector('[data-reorder-url]');
  if (!list) return;
  var dragged = null;

  function save() {
    var body = new URLSearchParams();
    list.querySelectorAll('li[data-id]').forEach(function (li) { body.append('order', li.getAttribute('data-id')); });
    fetch(list.getAttribute('data-reorder-url'), {
      method: 'POST', body: body, credentials: 'same-origin',
      headers: {'X-CSRFToken': list.getAttribute('data-csrf'), 'Accept': 'application/json'}
    }).then(function (response) { if (response.ok) { location.reload(); } });
  }

  list.addEventListener('dragstart', function (event) {
    dragged = event.target.closest('li[data-id]');
    if (!dragged) return;
    dragged.classList.add('dragging');
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', dragged.getAttribute('data-id'));
  });
  list.addEventListener('dragover', function (event) {
    if (dragged && event.target.closest('li[data-id]')) event.preventDefault();  // allow dropping here
  });
  list.addEventListener('drop', function (event) {
    var target = event.target.closest('li[data-id]');
    event.preventDefault();
    if (!dragged || !target || target === dragged) return;
    var after = event.clientY > target.getBoundingClientRect().top + target.offsetHeight / 2;
    list.insertBefore(dragged, after ? target.nextSibling : target);
    save();
  });
  list.addEventListener('dragend', function () {
    if (dragged) dragged.classList.remove('dragging');
    dragged = null;
  });
})();
