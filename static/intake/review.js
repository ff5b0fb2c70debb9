// The review page's « Tout sélectionner »: shown only where this script runs (without it,
// each card's box is ticked by hand), it ticks or unticks every card, and follows them.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("review_form");
  if (!form) return;
  const cards = [...form.querySelectorAll("input.select-card")];
  const toggles = [...form.querySelectorAll("input.select-all-cards")];
  const follow = () => {
    const ticked = cards.filter((box) => box.checked).length;
    for (const toggle of toggles) {
      toggle.checked = ticked > 0 && ticked === cards.length;
      toggle.indeterminate = ticked > 0 && ticked < cards.length;
    }
  };
  for (const toggle of toggles) {
    toggle.closest("label").hidden = false;
    toggle.addEventListener("change", () => {
      for (const box of cards) box.checked = toggle.checked;
      follow();
    });
  }
  for (const box of cards) box.addEventListener("change", follow);
  follow();
});
