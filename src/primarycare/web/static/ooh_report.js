// Charts of the OOH quality report: compliance by month for each requirement, and demand by hour of the week.
(function () {
  const data = JSON.parse(document.getElementById("report-data").textContent);
  const colours = ["#005eb8", "#da291c", "#007f3b", "#ffb81c", "#330072"];
  new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {
      labels: data.trend.months,
      datasets: Object.entries(data.trend.share).map(([clock, shares], i) => ({
        label: clock.replaceAll("_", " "),
        data: shares.map((s) => (s === null ? null : Math.round(s * 1000) / 10)),
        borderColor: colours[i % colours.length],
        spanGaps: true,
      })),
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "% met" } } } },
  });
  const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  new Chart(document.getElementById("demand-chart"), {
    type: "bar",
    data: {
      labels: data.demand.map((_, h) => `${days[Math.floor(h / 24)]} ${String(h % 24).padStart(2, "0")}:00`),
      datasets: [{ label: "cases", data: data.demand, backgroundColor: "#005eb8" }],
    },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } } },
  });
})();
