// Charts of the payments page (Chart.js): winners and losers per practice, and £ per head by network.
(function () {
  if (typeof Chart === "undefined") return;
  const read = (id) => { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; };
  const difference = read("difference-data");
  if (difference) {
    new Chart(document.getElementById("difference-chart"), {
      type: "bar",
      data: { labels: difference.labels, datasets: [{ label: "Scheme minus national (£)", data: difference.values,
        backgroundColor: difference.values.map((v) => (v < 0 ? "#d5281b" : "#007f3b")) }] },
      options: { animation: false, maintainAspectRatio: false, scales: { x: { ticks: { display: difference.labels.length <= 60 } } } },
    });
  }
  const networks = read("network-data");
  if (networks) {
    const sets = [{ label: "National £ per head", data: networks.NATIONAL_PER_HEAD_GBP, backgroundColor: "#005eb8" }];
    if (networks.SCHEME_PER_HEAD_GBP.some((v, i) => v !== networks.NATIONAL_PER_HEAD_GBP[i])) {
      sets.push({ label: "Scheme £ per head", data: networks.SCHEME_PER_HEAD_GBP, backgroundColor: "#ffb81c" });
    }
    new Chart(document.getElementById("network-chart"), {
      type: "bar", data: { labels: networks.NETWORK_CODE, datasets: sets },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
  }
})();
