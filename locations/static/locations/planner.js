// The circle planner's schematic map: drawn from the bases' coordinates, no tile server (works offline).
(function () {
  "use strict";
  var esc = function (text) { return window.echarts.format.encodeHTML(String(text)); };

  function option(data, el) {
    el._mapData = data;
    var number = Number(el.dataset.plan || 1);
    var plan = data.plans.filter(function (p) { return p.number === number; })[0] || data.plans[0];
    var minutes = el.dataset.minutesLabel || "min";
    var series = data.rings.map(function (ring) {
      return {
        type: "line", data: ring.path, showSymbol: false, silent: true,
        lineStyle: { type: "dashed", width: 1, color: "#9ab" },
        endLabel: { show: true, formatter: ring.minutes + " " + minutes, color: "#678" }
      };
    });
    series.push({
      type: "scatter", symbol: "pin", symbolSize: 28, itemStyle: { color: "#c33" },
      data: [{ value: [data.start.lon, data.start.lat], name: data.start.name || el.dataset.startLabel }],
      tooltip: { formatter: function (p) { return esc(p.name); } }
    });
    if (plan) {
      var path = [[data.start.lon, data.start.lat]].concat(plan.legs.map(function (leg) { return [leg.lon, leg.lat]; }));
      series.push({ type: "line", data: path, showSymbol: false, silent: true, lineStyle: { width: 3, color: "#2a6" } });
      series.push({
        type: "scatter", symbolSize: 16, itemStyle: { color: "#2a6" },
        data: plan.legs.map(function (leg) { return { value: [leg.lon, leg.lat], leg: leg, name: leg.name }; }),
        label: { show: true, position: "right", formatter: function (p) { return (p.data.leg.item + 1) + ". " + p.data.leg.name; } },
        tooltip: {
          formatter: function (p) {
            var leg = p.data.leg;
            return (leg.photo ? '<img src="' + esc(leg.photo) + '" width="120" height="80" style="object-fit:cover;display:block">' : "") +
              "<b>" + esc(leg.name) + "</b><br>" + esc(leg.base) + "<br>¥" + esc(leg.price) + " · " + leg.minutes + " " + esc(minutes);
          }
        }
      });
    }
    return {
      animation: false,
      tooltip: { trigger: "item", confine: true },
      grid: { left: 8, right: 60, top: 8, bottom: 8 },
      xAxis: { type: "value", scale: true, show: false },
      yAxis: { type: "value", scale: true, show: false },
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
  });
})();
