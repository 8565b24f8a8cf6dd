// LTI login inside an LMS iframe: can this frame keep a cookie? If yes, continue the login here;
// if not (Safari, or third-party cookies blocked), offer to open the activity in a new window.
(function () {
  var name = 'lti1p3_cookie_check';
  var attrs = location.protocol === 'https:' ? '; SameSite=None; Secure; Partitioned' : '; SameSite=Lax';
  document.cookie = name + '=1; path=/; max-age=60' + attrs;
  var ok = document.cookie.indexOf(name + '=1') !== -1;
  if (ok) {
    document.getElementById('continue-here').submit();
  } else {
    document.getElementById('checking').hidden = true;
    document.getElementById('blocked').hidden = false;
  }
})();
