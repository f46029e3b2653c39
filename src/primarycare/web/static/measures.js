// Measure chart (Chart.js), drawn as OpenPrescribing does: a dashed line per decile over the years (the median
// solid), and the organisation's own line on top.
(function () {
  if (typeof Chart === "undefined") return;
  const source = document.getElementById("measure-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const datasets = Object.keys(data.deciles).map((p) => ({
    label: p === "50" ? "median" : `${p}th percentile`,
    data: data.deciles[p],
    borderColor: "#768692",
    borderDash: p === "50" ? [] : [4, 4],
    borderWidth: p === "50" ? 2 : 1,
    pointRadius: 0,
    fill: false,
  }));
  if (data.own.label) {
    datasets.push({ label: data.own.label, data: data.own.values, borderColor: "#d5281b", backgroundColor: "#d5281b", borderWidth: 3, pointRadius: 4 });
  }
  new Chart(document.getElementById("measure-chart"), {
    type: "line",
    data: { labels: data.years, datasets },
    options: { animation: false, maintainAspectRatio: false, spanGaps: true,
      scales: { y: { title: { display: true, text: data.unit } } },
      plugins: { legend: { labels: { filter: (item) => item.text === "median" || !item.text.endsWith("percentile") } } } },
  });
})();
