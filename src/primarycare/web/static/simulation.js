// Charts of a finished scenario run (Chart.js): A&E arrivals by hour of week; compliance and utilisation.
(function () {
  const source = document.getElementById("simulation-data");
  if (!source || typeof Chart === "undefined") return;
  const d = JSON.parse(source.textContent);
  new Chart(document.getElementById("ae-chart"), {
    type: "line",
    data: { labels: d.hours, datasets: [{ label: "A&E arrivals (mean per week)", data: d.arrivals, borderColor: "#005eb8", pointRadius: 0 }] },
    options: { animation: false, maintainAspectRatio: false },
  });
  new Chart(document.getElementById("kpi-chart"), {
    type: "bar",
    data: { labels: d.replications, datasets: [
      { label: "OOH clock compliance", data: d.compliance, backgroundColor: "#007f3b" },
      { label: "practice utilisation", data: d.utilisation, backgroundColor: "#ffb81c" },
    ] },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 1 } } },
  });
})();
