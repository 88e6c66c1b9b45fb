// Accessibility fixes for the Wagtail editor as our writers use it (WCAG 2.2 AA):
// Draftail's editable area inside a StreamField block has role="textbox" but no accessible
// name, so screen readers announce an unnamed text box. Name it after its block ("Text").
(() => {
  const unnamed = '.public-DraftEditor-content[role="textbox"]:not([aria-label]):not([aria-labelledby])';

  function blockLabel(editor) {
    const block = editor.closest("[data-contentpath]");
    const heading = block && block.querySelector("[id$='-heading'], .w-panel__heading");
    const label = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    return label.replace(/\s*\*$/, "") || "Text";
  }

  function nameEditors(root) {
    for (const editor of root.querySelectorAll(unnamed)) {
      editor.setAttribute("aria-label", blockLabel(editor));
    }
  }

  nameEditors(document);
  new MutationObserver(() => nameEditors(document)).observe(document.body, {
    childList: true,
    subtree: true,
  });
})();
