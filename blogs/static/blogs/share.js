// "Copy link" on a blog post: shown only when the browser can copy. Without JavaScript the
// link stays in a read-only field people can select and copy themselves.
for (const button of document.querySelectorAll("[data-copy-link]")) {
  const field = document.getElementById(button.dataset.copyLink);
  const status = button.parentElement.querySelector("[data-copy-status]");
  if (!field || !navigator.clipboard) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(field.value);
      if (status) status.textContent = "Link copied.";
    } catch {
      field.focus();
      field.select();
      if (status) status.textContent = "Press Ctrl+C (or Cmd+C) to copy the selected link.";
    }
  });
}
