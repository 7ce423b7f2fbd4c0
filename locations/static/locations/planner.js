// The circle planner's schematic map: drawn from the bases' coordinates, no tile server (works offline).
// Coordinates are projected to kilometres east/north of the start, on axes of one scale, so the
// 5/10/15-minute rings stay round whatever the size of the frame.
(function () {
  "use strict";
  var esc = function (text) { return window.echarts.format.encodeHTML(String(text)); };

  function projector(start) {
    var kx = 111.32 * Math.cos(start.lat * Math.PI / 180), ky = 111.32;
    return function (lon, lat) { return [(lon - start.lon) * kx, (lat - start.lat) * ky]; };
  }

  function option(data, el) {
    el._mapData = data;
    var number = Number(el.dataset.plan || 1);
    var plan = data.plans.filter(function (p) { return p.number === number; })[0] || data.plans[0];
    var minutes = el.dataset.minutesLabel || "min";
    var at = projector(data.start);
    var reach = 0;
    var series = data.rings.map(function (ring) {
      var path = ring.path.map(function (point) { return at(point[0], point[1]); });
      path.forEach(function (p) { reach = Math.max(reach, Math.abs(p[0]), Math.abs(p[1])); });
      return {
        type: "line", data: path, showSymbol: false, silent: true,
        lineStyle: { type: "dashed", width: 1, color: "#9ab" },
        endLabel: { show: true, formatter: ring.minutes + " " + minutes, color: "#678" }
      };
    });
    series.push({
      type: "scatter", symbol: "pin", symbolSize: 28, itemStyle: { color: "#c33" }, z: 5,
      data: [{ value: [0, 0], name: data.start.name || el.dataset.startLabel }],
      tooltip: { formatter: function (p) { return esc(p.name); } }
    });
    if (plan) {
      var points = plan.legs.map(function (leg) { return at(leg.lon, leg.lat); });
      points.forEach(function (p) { reach = Math.max(reach, Math.abs(p[0]), Math.abs(p[1])); });
      series.push({
        type: "line", data: [[0, 0]].concat(points), showSymbol: false, silent: true, z: 3,
        lineStyle: { width: 3, color: "#2a6" }
      });
      // sets of one base share a point: one marker per base, its tooltip lists each set with photo and price
      var stops = [];
      plan.legs.forEach(function (leg, i) {
        var stop = stops.filter(function (s) { return s.base === leg.base; })[0];
        if (!stop) { stop = { base: leg.base, value: points[i], legs: [] }; stops.push(stop); }
        stop.legs.push(leg);
      });
      series.push({
        type: "scatter", symbolSize: 16, itemStyle: { color: "#2a6" }, z: 6,
        data: stops.map(function (stop) { return { value: stop.value, stop: stop, name: stop.base }; }),
        label: {
          show: true, position: "right", fontSize: 11,
          formatter: function (p) {
            return p.data.stop.legs.map(function (leg) { return leg.item + 1; }).join(", ") + ". " + p.data.stop.base;
          }
        },
        tooltip: {
          formatter: function (p) {
            return "<b>" + esc(p.data.stop.base) + "</b>" + p.data.stop.legs.map(function (leg) {
              return '<div style="margin-top:4px">' +
                (leg.photo ? '<img src="' + esc(leg.photo) + '" width="120" height="80" style="object-fit:cover;display:block">' : "") +
                (leg.item + 1) + ". " + esc(leg.name) + " · ¥" + esc(leg.price) + " · " + leg.minutes + " " + esc(minutes) + "</div>";
            }).join("");
          }
        }
      });
    }
    // one scale on both axes: the wider side of the frame gets the wider range
    var width = el.clientWidth || 1, height = el.clientHeight || 1, pad = reach * 1.15 || 1;
    var rx = width >= height ? pad * width / height : pad, ry = width >= height ? pad : pad * height / width;
    return {
      animation: false,
      tooltip: { trigger: "item", confine: true },
      grid: { left: 0, right: 0, top: 0, bottom: 0 },
      xAxis: { type: "value", min: -rx, max: rx, show: false },
      yAxis: { type: "value", min: -ry, max: ry, show: false },
      series: series
    };
  }

  window.workspaceCharts = window.workspaceCharts || {};
  window.workspaceCharts["circle-map"] = option;

  // "Show on the map": redraw with another plan's legs (the data is kept on the element).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-show-plan]");
    if (!button) return;
    var el = document.querySelector("[data-chart=circle-map]");
    if (!el || !window.echarts) return;
    el.dataset.plan = button.dataset.showPlan;
    var chart = window.echarts.getInstanceByDom(el);
    if (chart && el._mapData) chart.setOption(option(el._mapData, el), true);
    el.scrollIntoView({ block: "nearest" });
  });
})();
