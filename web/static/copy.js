/* A "Copy" button beside a link shown once: copies it and says so. */
"use strict";
document.querySelectorAll("button[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById("copy-status");
    try {
      await navigator.clipboard.writeText(field.value);
      status.textContent = "Copied ✓";
    } catch (e) {
      field.select(); // the clipboard is not available (plain HTTP): select it for Ctrl+C
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy";
    }
  });
});
