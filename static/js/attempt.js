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
  let signedOut = false;
  let submitting = null; // the button of a form post waiting for a save in flight
  let leaving = false;
  let retryDelay = 0; // grows while the server cannot save (busy or down), back to 0 on success

  // The autosave works, so say so instead of asking to press "Save answers".
  document.querySelectorAll("[data-autosave-note]").forEach((el) => {
    el.hidden = el.dataset.autosaveNote !== "on";
  });

  // Answers given but not yet accepted by the server survive a reload (after signing in
  // again, say) in this browser's storage, per attempt.
  const draftKey = "attempt-draft:" + text.saveUrl;
  const unsent = new Map(Object.entries(readDrafts()));
  function readDrafts() {
    try { return JSON.parse(localStorage.getItem(draftKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function keepDrafts() {
    try {
      if (unsent.size) localStorage.setItem(draftKey, JSON.stringify(Object.fromEntries(unsent)));
      else localStorage.removeItem(draftKey);
    } catch (e) { /* storage full or disabled: the answers stay in the page */ }
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

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
      const picks = selects.map((s) => (s.value === "" ? null : s.value));
      return picks.every((p) => p === null) ? null : picks;
    }
    if (type === "ordering") {
      const places = selects.map((s) => parseInt(s.value, 10));
      if (places.every(isNaN)) return null;
      const sorted = places.slice().sort((a, b) => a - b);
      if (sorted.some((p, i) => p !== i + 1)) return undefined; // incomplete: nothing to save yet
      const order = [];
      selects.forEach((s, i) => { order[places[i] - 1] = elementOf(s); });
      return order;
    }
    return null;
  }

  // Elements, options and entries are named by the attempt's tokens, never by the key.
  function elementOf(select) { return select.name.split("-").pop(); }

  // Put an answer (as answerOf returns it) back into its fields.
  function fill(fieldset, answer) {
    const type = fieldset.dataset.type;
    const inputs = Array.from(fieldset.querySelectorAll("input[name='a-" + fieldset.dataset.item + "']"));
    const selects = Array.from(fieldset.querySelectorAll("select"));
    if (type === "multiple_choice") {
      inputs.forEach((i) => { i.checked = Array.isArray(answer) && answer.includes(i.value); });
    } else if (type === "numeric") {
      inputs.forEach((i) => { i.value = answer === null ? "" : String(answer); });
    } else if (type === "matching") {
      selects.forEach((s, i) => { s.value = answer && answer[i] !== null ? String(answer[i]) : ""; });
    } else if (type === "ordering") {
      selects.forEach((s) => {
        const place = Array.isArray(answer) ? answer.indexOf(elementOf(s)) + 1 : 0;
        s.value = place > 0 ? String(place) : "";
      });
    } else {
      inputs.forEach((i) => { i.checked = answer !== null && i.value === String(answer); });
    }
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

  function notice(message, link, label, tone) {
    const alert = document.createElement("div");
    alert.className = "alert " + (tone || "alert-warning");
    alert.setAttribute("role", "alert");
    alert.textContent = message + " ";
    const anchor = document.createElement("a");
    anchor.href = link;
    anchor.textContent = label;
    alert.appendChild(anchor);
    form.prepend(alert);
    alert.scrollIntoView({ block: "nearest" });
    return alert;
  }

  function lockPage(message, link) {
    closed = true;
    submitting = null;
    form.querySelectorAll("fieldset, button").forEach((el) => { el.disabled = true; });
    notice(message, link, link === location.href ? text.msgReload : text.msgResult);
  }

  // The session ended (signed out in another tab, say): keep every unsent answer in this
  // browser and offer to sign in again; this page comes back with them after that.
  function sessionEnded(message, link) {
    if (signedOut) return;
    signedOut = true;
    submitting = null;
    keepDrafts();
    say(text.msgNotSaved, "text-danger");
    notice(message || text.msgSignedOut, link || text.loginUrl, text.msgSignIn, "alert-danger");
  }

  // Send the form itself once no save is in flight, with the sequence that save left.
  function postForm(button) {
    if (closed || signedOut) return;
    sequenceField.value = sequence;
    if (button && button.name) {
      const field = document.createElement("input");
      field.type = "hidden";
      field.name = button.name;
      field.value = button.value;
      form.appendChild(field);
    }
    leaving = true;
    HTMLFormElement.prototype.submit.call(form);
  }

  function settled() {
    busy = false;
    if (submitting) {
      const button = submitting;
      submitting = null;
      postForm(button);
      return;
    }
    flush();
  }

  async function flush() {
    if (busy || closed || signedOut || submitting || pending.size === 0) return;
    const [item, answer] = pending.entries().next().value;
    pending.delete(item);
    busy = true;
    say(text.msgSaving);
    const fieldset = document.getElementById("item-" + item);
    let response, data;
    try {
      response = await fetch(text.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        redirect: "manual",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": text.csrf },
        body: JSON.stringify({ item: item, answer: answer, sequence: sequence }),
      });
      data = await response.json().catch(() => ({}));
    } catch (error) {
      // No connection: keep the answer unless a newer one is waiting, and try again soon.
      retryLater(item, answer, text.msgOffline, 0);
      return;
    }
    if (response.status >= 500 || response.status === 429) {
      // The server could not save it now (database busy or down): the answer is kept, here
      // and in storage, and sent again later, waiting longer each time.
      retryLater(item, answer, text.msgRetrying, parseInt(response.headers.get("Retry-After"), 10));
      return;
    }
    retryDelay = 0;
    if (response.ok) {
      sequence = data.sequence;
      sequenceField.value = sequence;
      progress(data);
      showError(fieldset, null);
      if (same(unsent.get(item), answer)) { unsent.delete(item); keepDrafts(); }
      say(pending.size ? text.msgSaving : text.msgSaved, pending.size ? "" : "text-success");
    } else if (response.status === 401 || response.type === "opaqueredirect") {
      if (!pending.has(item)) pending.set(item, answer);
      sessionEnded(data.error, data.login);
    } else if (response.status === 409) {
      unsent.clear();
      keepDrafts();
      lockPage(data.error || text.msgConflict, data.result || location.href);
      say("");
    } else {
      if (same(unsent.get(item), answer)) { unsent.delete(item); keepDrafts(); }
      showError(fieldset, data.error || text.msgNotSaved);
      say(text.msgNotSaved, "text-danger");
    }
    settled();
  }

  function retryLater(item, answer, message, suggested) {
    if (!pending.has(item)) pending.set(item, answer);
    say(message, "text-danger");
    retryDelay = Math.min(60000, Math.max(2000, retryDelay * 2));
    if (suggested > 0) retryDelay = Math.min(60000, Math.max(retryDelay, suggested * 1000));
    if (submitting) { settled(); return; }
    busy = false;
    setTimeout(flush, retryDelay);
  }

  function queue(item, answer) {
    pending.set(item, answer);
    unsent.set(item, answer);
    keepDrafts();
    flush();
  }

  const timers = new Map();
  function changed(event) {
    const fieldset = event.target.closest("fieldset[data-item]");
    if (!fieldset || closed) return;
    const item = fieldset.dataset.item;
    const send = function () {
      timers.delete(item);
      const answer = answerOf(fieldset);
      if (answer === undefined) {
        showError(fieldset, text.msgOrdering);
        return;
      }
      queue(item, answer);
    };
    clearTimeout(timers.get(item));
    // Typing a number waits for a pause; a click saves at once.
    timers.set(item, setTimeout(send, event.type === "input" ? 700 : 0));
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) {
    if (event.target.classList.contains("numeric-answer")) changed(event);
  });

  // Leaving with unsent answers loses them: ask first (unless they are kept in storage).
  window.addEventListener("beforeunload", function (event) {
    if (leaving || signedOut) return;
    if (pending.size || busy || timers.size) { event.preventDefault(); event.returnValue = ""; }
  });

  // The form post carries every answer, so queued saves are dropped; but a save already in
  // flight moves the sequence on, so the post waits for it and names the sequence it leaves.
  form.addEventListener("submit", function (event) {
    timers.forEach((timer) => clearTimeout(timer));
    timers.clear();
    pending.clear();
    if (closed || signedOut) return; // the server answers with the result or the sign-in page
    if (busy) {
      event.preventDefault();
      submitting = event.submitter || form.querySelector("button[name=save]");
      say(text.msgSaving);
      return;
    }
    sequenceField.value = sequence;
    leaving = true;
  });

  // Answers kept from an earlier visit that never reached the server are put back and sent.
  unsent.forEach((answer, item) => {
    const fieldset = document.getElementById("item-" + item);
    if (!fieldset || fieldset.disabled) { unsent.delete(item); return; }
    if (same(answerOf(fieldset), answer)) { unsent.delete(item); return; }
    fill(fieldset, answer);
    pending.set(item, answer);
  });
  keepDrafts();
  flush();

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
