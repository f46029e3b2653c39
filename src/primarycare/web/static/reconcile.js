// Reconciliation chart (Chart.js): each practice's computed £ against paid £ for the chosen item; flagged in red.
(function () {
  if (typeof Chart === "undefined") return;
  const source = document.getElementById("reconcile-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const select = document.getElementById("reconcile-item");
  let chart = null;
  const draw = (item) => {
    const d = data[item];
    const points = d.PRACTICE_CODE.map((code, i) => ({ x: d.PAID_GBP[i], y: d.COMPUTED_GBP[i], code, flag: d.FLAG[i] }));
    const top = Math.max(1, ...points.map((p) => Math.max(p.x, p.y)));
    if (chart) chart.destroy();
    chart = new Chart(document.getElementById("reconcile-chart"), {
      type: "scatter",
      data: { datasets: [
        { label: "within the threshold", data: points.filter((p) => p.flag === "N"), backgroundColor: "#005eb8" },
        { label: "flagged", data: points.filter((p) => p.flag === "Y"), backgroundColor: "#d5281b" },
        { label: "computed = paid", type: "line", data: [{ x: 0, y: 0 }, { x: top, y: top }], borderColor: "#768692", pointRadius: 0 },
      ] },
      options: { animation: false, maintainAspectRatio: false,
        scales: { x: { title: { display: true, text: "paid (£)" } }, y: { title: { display: true, text: "computed (£)" } } },
        plugins: { tooltip: { callbacks: { label: (c) => `${c.raw.code || ""} paid £${c.raw.x.toLocaleString()} computed £${c.raw.y.toLocaleString()}` } } } },
    });
  };
  select.addEventListener("change", () => draw(select.value));
  draw(select.value);
})();
