// KPI trend and comparison charts (data from the json_script block "kpi-charts"; no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("kpi-charts");
  if (!source || !window.Chart) { return; }
  var charts = JSON.parse(source.textContent);
  var trendCanvas = document.getElementById("kpi-trend");
  if (trendCanvas && charts.trend) {
    var t = charts.trend;
    var datasets = [{ label: t.label, data: t.values, tension: 0.2, spanGaps: true, borderColor: "#2563eb", backgroundColor: "#2563eb" }];
    if (t.target !== null) {
      datasets.push({ label: "目标", data: t.labels.map(function () { return t.target; }), borderDash: [6, 4], pointRadius: 0, borderColor: "#dc2626", backgroundColor: "#dc2626" });
    }
    new Chart(trendCanvas, { type: "line", data: { labels: t.labels, datasets: datasets }, options: { animation: false, scales: { y: { beginAtZero: true } } } });
  }
  var barCanvas = document.getElementById("kpi-bars");
  if (barCanvas && charts.bars && charts.bars.labels.length) {
    var target = charts.trend ? charts.trend.target : null;
    var bars = [{ type: "bar", label: charts.bars.title, data: charts.bars.values, backgroundColor: "#60a5fa" }];
    if (target !== null) {
      bars.push({ type: "line", label: "目标", data: charts.bars.labels.map(function () { return target; }), borderDash: [6, 4], pointRadius: 0, borderColor: "#dc2626" });
    }
    new Chart(barCanvas, { data: { labels: charts.bars.labels, datasets: bars }, options: { animation: false, scales: { y: { beginAtZero: true } } } });
  }
});
