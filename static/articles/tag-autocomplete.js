// A comma-separated tag field shown as removable chips with a box that completes from the existing
// tags. The field itself stays, hidden, holding the names as the server reads them (quoted only
// when a name holds a comma); without this script it is a plain text field that works the same.
"use strict";

function parseTags(text) {
  const names = [];
  let current = "";
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    else if (character === "," && !quoted) {
      names.push(current);
      current = "";
    } else current += character;
  }
  names.push(current);
  return names.map((name) => name.trim()).filter(Boolean);
}

function tagString(names) {
  const text = names.map((name) => (name.includes(",") ? `"${name}"` : name)).join(", ");
  return names.length === 1 && names[0].includes(" ") && !names[0].includes(",") ? `${text},` : text;
}

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function enhance(field) {
  const input = field.querySelector("input");
  const list = field.querySelector("datalist[data-tag-names]");
  const known = Array.from(list.options, (option) => option.value);
  let names = parseTags(input.value);

  const chips = document.createElement("ul");
  chips.className = "tag-chips";
  const entry = document.createElement("input");
  entry.type = "text";
  entry.className = "tag-entry";
  entry.autocomplete = "off";
  entry.setAttribute("list", list.id);
  entry.placeholder = field.dataset.entryLabel;
  // The field's label now names the box one types in.
  entry.id = input.id;
  input.id = `${input.id}-value`;
  input.removeAttribute("list");
  input.type = "hidden";
  field.insertBefore(chips, list);
  field.insertBefore(entry, list);

  const render = () => {
    input.value = tagString(names);
    chips.replaceChildren(
      ...names.map((name, index) => {
        const chip = document.createElement("li");
        chip.className = "tag-chip";
        chip.append(name);
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", field.dataset.removeLabel.replace("{name}", name));
        remove.addEventListener("click", () => {
          names.splice(index, 1);
          render();
          entry.focus();
        });
        chip.append(remove);
        return chip;
      }),
    );
  };
  const add = () => {
    if (!entry.value.trim()) return; // nothing typed: the chips stay (a click on one may follow)
    for (const name of parseTags(entry.value)) {
      if (!names.some((other) => other.toLowerCase() === name.toLowerCase())) names.push(name);
    }
    entry.value = "";
    render();
  };

  entry.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault(); // Enter adds the tag; it does not save the form
      add();
    } else if (event.key === "Backspace" && !entry.value && names.length) {
      names.pop();
      render();
    }
  });
  entry.addEventListener("input", (event) => {
    if (event.inputType === "insertReplacementText" || event.inputType === undefined) {
      if (known.includes(entry.value)) add(); // a name picked from the completions
      return;
    }
    const typed = fold(entry.value.trim());
    list.replaceChildren(
      ...known
        .filter((name) => typed && fold(name).startsWith(typed))
        .slice(0, 20)
        .map((name) => new Option(undefined, name)),
    );
  });
  entry.addEventListener("blur", add);
  entry.form?.addEventListener("submit", add);
  render();
}

document.addEventListener("DOMContentLoaded", () => {
  for (const field of document.querySelectorAll("[data-tag-field]")) {
    // An inline's blank template stays plain: the admin copies its HTML, not its listeners.
    if (!field.querySelector("input").name.includes("__prefix__")) enhance(field);
  }
});
