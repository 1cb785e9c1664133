// Progressive enhancement only: every main action works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => { b.disabled = true; });
    });
  });
});
