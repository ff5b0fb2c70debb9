// Completes the tag being typed in a comma-separated tag field from the existing tags.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  for (const list of document.querySelectorAll("datalist[data-tag-names]")) {
    const input = document.querySelector(`input[list="${list.id}"]`);
    const names = Array.from(list.options, (option) => option.value);
    const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    const quote = (name) => (/[\s,]/.test(name) ? `"${name}"` : name);
    input.addEventListener("input", () => {
      const cut = input.value.lastIndexOf(",");
      const before = cut < 0 ? "" : input.value.slice(0, cut + 1) + " ";
      const typed = fold(input.value.slice(cut + 1).trim().replace(/^"/, ""));
      list.replaceChildren(
        ...names
          .filter((name) => typed && fold(name).startsWith(typed))
          .slice(0, 20)
          .map((name) => new Option(undefined, before + quote(name))),
      );
    });
  }
});
