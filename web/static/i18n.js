/* The page's language for its scripts: _("text") and ngettext("one", "many", n) look the text up in the
   translations the page carries (<script id="messages">); %(name)s takes its value from the last argument. */
"use strict";
(function () {
  const el = document.getElementById("messages");
  const messages = el ? JSON.parse(el.textContent) : {};
  const lang = document.documentElement.lang || "en";
  const fill = (text, values) =>
    values ? text.replace(/%\((\w+)\)[sd]/g, (m, key) => (key in values ? String(values[key]) : m)) : text;
  window._ = (text, values) => {
    const found = messages[text];
    return fill(typeof found === "string" ? found : text, values);
  };
  // The catalogue's plural rule, as the form to use for 0…199 (rules look at n, n % 10 and n % 100 only).
  const plural = messages[""] || [];
  const formFor = (n) => Number(plural[n < 200 ? n : 100 + (n % 100)] || 0);
  window.ngettext = (singular, many, n, values) => {
    const forms = messages[singular];
    const all = { n, ...(values || {}) };
    if (!Array.isArray(forms)) return fill(n === 1 ? singular : many, all);
    return fill(forms[Math.min(formFor(n), forms.length - 1)], all);
  };
  window.pageLanguage = lang;
})();
