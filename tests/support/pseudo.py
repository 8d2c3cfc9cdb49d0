"""Finding text a candidate sees that is not translatable: in the pseudo-locale every translated string is
decorated "⟦…⟧", so whatever visible text is left once the decorated parts and the values the test names are
taken away was written into a page or script without going through the catalogue."""

from __future__ import annotations

import re

from playwright.async_api import Page

# What a reader sees (the page's rendered text, hidden parts left out), the words read out for controls
# (aria-label, title, placeholder, alt, each with the element it is on) and the window's title.
_VISIBLE_TEXT = """() => {
  const out = [["page", document.body.innerText], ["title", document.title]];
  const where = (el) => el.id ? "#" + el.id : el.tagName.toLowerCase();
  for (const el of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    for (const name of ["aria-label", "title", "placeholder", "alt"]) {
      const value = el.getAttribute(name);
      if (value && value.trim()) out.push([where(el) + "@" + name, value]);
    }
  }
  return out;
}"""
_DECORATED = re.compile(r"⟦[^⟦⟧]*⟧")
_WORD = re.compile(r"[^\W\d_]+")  # letters: digits and punctuation are values or the same in every language


def leftover(text: str, values: list[str]) -> str:
    """The words of `text` that are neither decorated nor part of one of `values` ("" when there are none)."""
    rest = text
    while _DECORATED.search(rest):  # innermost first: a decorated string may hold another in a placeholder
        rest = _DECORATED.sub(" ", rest)
    for value in sorted(values, key=len, reverse=True):
        rest = rest.replace(value, " ")
    return " ".join(_WORD.findall(rest))


async def undecorated(page: Page, values: list[str]) -> list[str]:
    """The visible texts on `page` that were not translated: [] when every one is decorated or a named value."""
    found = await page.evaluate(_VISIBLE_TEXT)
    return [f"{where}: {left!r}" for where, text in found if (left := leftover(text, values))]
