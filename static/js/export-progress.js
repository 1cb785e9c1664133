// Polls the export's JSON status and updates the progress bar; shows the download link when done.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function part(role) { return box.querySelector('[data-role="' + role + '"]'); }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        part("label").textContent = data.status_label;
        part("count").textContent = data.progress + " / " + data.total;
        var bar = part("bar");
        bar.max = data.total || 1;
        bar.value = data.progress;
        bar.textContent = data.percent + "%";
        if (data.status === "done") {
          part("download").hidden = false;
        } else if (data.status === "failed") {
          part("failed").hidden = false;
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  var status = box.getAttribute("data-status");
  if (status === "pending" || status === "running") { poll(); }
})();
