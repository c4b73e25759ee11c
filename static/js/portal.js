// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Show only the schools of the chosen municipality in a school list grouped by municipality.
  // Options are rebuilt rather than hidden: hidden <option>s still show in some mobile browsers.
  function linkSchoolToMunicipality(municipality, school) {
    // The group without a label holds the "choose" placeholder: it stays on top, ungrouped.
    const all = Array.from(school.querySelectorAll("optgroup"));
    const placeholders = all.filter((g) => !g.label).flatMap((g) => Array.from(g.children));
    const groups = all.filter((g) => g.label).map((g) => g.cloneNode(true));
    function update() {
      const name = municipality.options[municipality.selectedIndex]?.text;
      const current = school.value;
      school.replaceChildren();
      placeholders.forEach((option) => school.appendChild(option.cloneNode(true)));
      groups
        .filter((group) => !municipality.value || group.label === name)
        .forEach((group) => school.appendChild(group.cloneNode(true)));
      const stillThere = Array.from(school.options).some((o) => o.value === current);
      school.value = stillThere ? current : school.options.length ? school.options[0].value : "";
    }
    municipality.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("select[data-municipality-for]").forEach(function (municipality) {
    const school = document.getElementById(municipality.dataset.municipalityFor);
    if (school) linkSchoolToMunicipality(municipality, school);
  });

  // Ask before actions marked as needing confirmation.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
})();

// A preview looks like the real thing but never sends anything.
document.querySelectorAll("form.preview-form").forEach(function (form) {
  form.addEventListener("submit", function (event) { event.preventDefault(); });
});

// Bring a refused action's message into view with its module: it sits in the module's card.
(function () {
  const message = document.querySelector("[data-scroll-here]");
  if (!message) return;
  message.focus({ preventScroll: true });
  (message.closest("li") || message).scrollIntoView({ block: "start" });
})();

// Refuse a too large evidence file before it is sent, so that the note typed with it stays.
document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
  input.addEventListener("change", function () {
    const tooLarge = Array.from(input.files).some((f) => f.size > Number(input.dataset.maxBytes));
    input.setCustomValidity(tooLarge ? input.dataset.tooLarge : "");
    if (tooLarge) input.reportValidity();
  });
});
