// Submit forms marked data-autosubmit at once (LTI form posts); the visible button is the no-JS fallback.
document.querySelectorAll('form[data-autosubmit]').forEach(function (form) { form.submit(); });
