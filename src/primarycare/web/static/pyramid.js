// Draws the registered list as an age/sex pyramid with Chart.js (males to the left, females to the right).
(function () {
  const canvas = document.getElementById("pyramid");
  const source = document.getElementById("pyramid-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = data.bands.map((b) => b.replace("_", "–")).reverse();
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: labels,
      datasets: [
        { label: "Male", data: data.male.map((v) => -v).reverse(), backgroundColor: "#005eb8" },
        { label: "Female", data: data.female.slice().reverse(), backgroundColor: "#ae2573" },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      scales: {
        x: { stacked: true, ticks: { callback: (v) => Math.abs(v) } },
        y: { stacked: true },
      },
      plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + Math.abs(c.raw) } } },
    },
  });
})();
