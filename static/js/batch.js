// Keep the batch page up to date while the batch runs in the background.
(function () {
  "use strict";
  const box = document.getElementById("batch");
  if (!box || !window.fetch) return;
  const labels = { finished: box.dataset.msgFinished, running: box.dataset.msgRunning, queued: box.dataset.msgQueued };
  async function poll() {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      const data = await response.json();
      const done = data.issued + data.skipped + data.failed;
      document.getElementById("batch-progress").value = done;
      document.getElementById("batch-done").textContent = done;
      ["issued", "skipped", "failed"].forEach((k) => { document.getElementById("batch-" + k).textContent = data[k]; });
      document.getElementById("batch-status").textContent = labels[data.status] || data.status;
      document.getElementById("batch-stalled").classList.toggle("d-none", !data.stalled);
      const list = document.getElementById("batch-errors");
      list.replaceChildren(...data.errors.map((e) => { const li = document.createElement("li"); li.textContent = e.name + ": " + e.error; return li; }));
      if (data.status !== "finished") setTimeout(poll, 1500);
    } catch (error) {
      setTimeout(poll, 5000);
    }
  }
  if (box.dataset.status !== "finished") poll();
})();
