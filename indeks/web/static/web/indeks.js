/* Indeks: the behaviour of the pages, in a static file so that the Content-Security-Policy allows no inline script.
 *
 * - <canvas data-chart="radar|bar|climb" data-source="ID" data-label="…" data-label2="…">: a Chart.js chart drawn
 *   from the JSON in <script type="application/json" id="ID"> (Django's json_script: data, never executed);
 *   the labels are translated by the template.
 * - <button data-fill="FIELD-ID" data-template="…">: puts the template text into the field when it is empty.
 *
 * Without JavaScript the pages work as before; only the charts are missing.
 */
(function () {
  "use strict";
  var BLUE = "#0b5cad";
  var GREEN = "#1f7a3f";
  var ORANGE = "#a35a00";

  var builders = {
    radar: function (d, canvas) {
      var sets = [{label: canvas.dataset.label, data: d.current, fill: true, backgroundColor: "rgba(11,92,173,.15)", borderColor: BLUE}];
      if (d.previous && d.previous.length) {
        sets.push({label: canvas.dataset.label2, data: d.previous, fill: false, borderColor: ORANGE, borderDash: [4, 3]});
      }
      return {type: "radar", data: {labels: d.labels, datasets: sets},
        options: {scales: {r: {min: 0, max: d.max, ticks: {stepSize: 1}}}, plugins: {legend: {position: "bottom"}}}};
    },
    bar: function (d, canvas) {
      return {type: "bar", data: {labels: d.labels, datasets: [{label: canvas.dataset.label, data: d.values, backgroundColor: BLUE}]},
        options: {plugins: {legend: {display: false}}}};
    },
    climb: function (d, canvas) {
      return {type: "line",
        data: {labels: ["0"].concat(d.labels), datasets: [
          {label: canvas.dataset.label, data: [d.start].concat(d.values), borderColor: BLUE, tension: 0.2},
          {label: canvas.dataset.label2, data: Array(d.values.length + 1).fill(d.target), borderColor: GREEN, borderDash: [6, 4], pointRadius: 0}]},
        options: {plugins: {legend: {position: "bottom"}}}};
    }
  };

  function drawCharts(root) {
    if (!window.Chart) { return; }
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var build = builders[canvas.dataset.chart];
      var source = document.getElementById(canvas.dataset.source);
      if (!build || !source || canvas.dataset.drawn) { return; }
      canvas.dataset.drawn = "1";
      new window.Chart(canvas, build(JSON.parse(source.textContent), canvas));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-fill]") : null;
    if (!button) { return; }
    var field = document.getElementById(button.dataset.fill);
    if (field && !field.value.trim()) { field.value = button.dataset.template; }
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
}());
