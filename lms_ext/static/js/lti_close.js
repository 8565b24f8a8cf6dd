// LTI Dynamic Registration: tell the platform we are done, addressed to its origin only (never '*').
(function () {
  var el = document.getElementById('lti-close');
  var origin = el && el.getAttribute('data-origin');
  var target = window.opener || window.parent;
  if (origin && target && target !== window) {
    target.postMessage({subject: 'org.imsglobal.lti.close'}, origin);
  }
})();
