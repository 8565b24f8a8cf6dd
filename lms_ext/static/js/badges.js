// Copy a badge's verification link: the button appears only when the Clipboard API exists.
document.querySelectorAll('[data-copy]').forEach((button) => {
  if (!navigator.clipboard) return;
  const source = document.getElementById(button.dataset.copy);
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.value);
      button.textContent = button.dataset.copied;
    } catch (error) {
      source.select();
    }
    setTimeout(() => { button.textContent = label; }, 2000);
  });
});
