// Odometer trend on the customer 360 page (data comes from the json_script block; no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("odometer-data");
  var canvas = document.getElementById("odometer-chart");
  if (!source || !canvas || !window.Chart) { return; }
  var series = JSON.parse(source.textContent);
  if (!series.length) { return; }
  var labels = Array.from(new Set(series.flatMap(function (s) { return s.points.map(function (p) { return p.x; }); }))).sort();
  new Chart(canvas, {
    type: "line",
    data: { datasets: series.map(function (s) { return { label: s.label, data: s.points, tension: 0.2 }; }) },
    options: { animation: false, parsing: { xAxisKey: "x", yAxisKey: "y" }, scales: { x: { type: "category", labels: labels }, y: { title: { display: true, text: "公里" } } } }
  });
});
