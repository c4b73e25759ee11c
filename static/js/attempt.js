// Autosave of a diagnostic attempt: each answer is sent as it is given, one request at a time,
// each naming the attempt's sequence number; a countdown shows the time left. Without this
// script the page still works through its plain form buttons.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form || !window.fetch) return;

  const text = form.dataset;
  const bar = document.getElementById("attempt-bar");
  const state = document.getElementById("save-state");
  const sequenceField = form.querySelector("input[name=sequence]");
  let sequence = parseInt(text.sequence, 10);
  const pending = new Map();
  let busy = false;
  let closed = false;

  function say(message, tone) {
    state.textContent = message;
    state.className = "small text-nowrap " + (tone || "text-body-secondary");
  }

  function answerOf(fieldset) {
    const type = fieldset.dataset.type;
    const name = "a-" + fieldset.dataset.item;
    if (type === "multiple_choice") {
      return Array.from(fieldset.querySelectorAll("input[name='" + name + "']:checked")).map((i) => i.value);
    }
    if (type === "single_choice" || type === "situational" || type === "likert") {
      const chosen = fieldset.querySelector("input[name='" + name + "']:checked");
      if (!chosen) return null;
      return type === "likert" ? parseInt(chosen.value, 10) : chosen.value;
    }
    if (type === "numeric") {
      const value = fieldset.querySelector("input[name='" + name + "']").value.trim();
      return value === "" ? null : value;
    }
    const selects = Array.from(fieldset.querySelectorAll("select"));
    if (type === "matching") {
      const picks = selects.map((s) => (s.value === "" ? null : parseInt(s.value, 10)));
      return picks.every((p) => p === null) ? null : picks;
    }
    if (type === "ordering") {
      const places = selects.map((s) => parseInt(s.value, 10));
      if (places.every(isNaN)) return null;
      const sorted = places.slice().sort((a, b) => a - b);
      if (sorted.some((p, i) => p !== i + 1)) return undefined; // incomplete: nothing to save yet
      const order = [];
      selects.forEach((s, i) => { order[places[i] - 1] = parseInt(s.name.split("-").pop(), 10); });
      return order;
    }
    return null;
  }

  function showError(fieldset, message) {
    let note = fieldset.querySelector(".save-error");
    if (!message) {
      fieldset.classList.remove("border-danger");
      if (note) note.remove();
      return;
    }
    if (!note) {
      note = document.createElement("div");
      note.className = "save-error text-danger small mt-2";
      note.setAttribute("role", "alert");
      fieldset.appendChild(note);
    }
    note.textContent = message;
    fieldset.classList.add("border-danger");
  }

  function progress(data) {
    const meter = document.getElementById("progress");
    meter.value = data.answered;
    document.getElementById("progress-label").textContent = text.msgProgress
      .replace("{answered}", data.answered).replace("{total}", data.total);
  }

  function lockPage(message, link) {
    closed = true;
    form.querySelectorAll("fieldset, button").forEach((el) => { el.disabled = true; });
    const alert = document.createElement("div");
    alert.className = "alert alert-warning";
    alert.setAttribute("role", "alert");
    alert.textContent = message + " ";
    const anchor = document.createElement("a");
    anchor.href = link;
    anchor.textContent = link === location.href ? text.msgReload : text.msgResult;
    alert.appendChild(anchor);
    form.prepend(alert);
  }

  async function flush() {
    if (busy || closed || pending.size === 0) return;
    const [item, answer] = pending.entries().next().value;
    pending.delete(item);
    busy = true;
    say(text.msgSaving);
    const fieldset = document.getElementById("item-" + item);
    try {
      const response = await fetch(text.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": text.csrf },
        body: JSON.stringify({ item: item, answer: answer, sequence: sequence }),
      });
      const data = await response.json();
      if (response.ok) {
        sequence = data.sequence;
        sequenceField.value = sequence;
        progress(data);
        showError(fieldset, null);
        say(text.msgSaved, "text-success");
      } else if (response.status === 409) {
        lockPage(data.error, data.result || location.href);
        say("");
      } else {
        showError(fieldset, data.error);
        say(text.msgNotSaved, "text-danger");
      }
    } catch (error) {
      // No connection: keep the answer unless a newer one is waiting, and try again soon.
      if (!pending.has(item)) pending.set(item, answer);
      say(text.msgOffline, "text-danger");
      busy = false;
      setTimeout(flush, 3000);
      return;
    }
    busy = false;
    flush();
  }

  const timers = new Map();
  function changed(event) {
    const fieldset = event.target.closest("fieldset[data-item]");
    if (!fieldset || closed) return;
    const item = fieldset.dataset.item;
    const send = function () {
      const answer = answerOf(fieldset);
      if (answer === undefined) {
        showError(fieldset, text.msgOrdering);
        return;
      }
      pending.set(item, answer);
      flush();
    };
    clearTimeout(timers.get(item));
    // Typing a number waits for a pause; a click saves at once.
    timers.set(item, setTimeout(send, event.type === "input" ? 700 : 0));
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("numeric-answer")) changed(event);
  });

  // Leaving with unsent answers loses them: ask first.
  window.addEventListener("beforeunload", function (event) {
    if (pending.size || busy) { event.preventDefault(); event.returnValue = ""; }
  });
  form.addEventListener("submit", function () { pending.clear(); });

  // Countdown from the server's figure, so a wrong clock on the computer does not matter.
  const clock = document.getElementById("time-left");
  const endsAt = performance.now() + parseInt(bar.dataset.remaining, 10) * 1000;
  function tick() {
    const left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    const minutes = Math.floor(left / 60);
    clock.textContent = minutes + ":" + String(left % 60).padStart(2, "0");
    if (left <= 300) clock.parentElement.classList.add("text-danger", "fw-semibold");
    if (left === 0) {
      lockPage(text.msgTimeUp, text.resultUrl);
      // The server finishes the attempt a few seconds after the deadline.
      setTimeout(function () { location.href = text.resultUrl; }, 7000);
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
