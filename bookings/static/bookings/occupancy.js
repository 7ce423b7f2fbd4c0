// The occupancy page's three charts, drawn by workspace.js from the page's JSON (the API's body).
// Labels come from the element's data-label-* attributes, translated by the template.
(function () {
  "use strict";
  var charts = (window.workspaceCharts = window.workspaceCharts || {});
  function number(value) { return value === null ? null : Number(value); }
  function percent(value) { return value === null ? "—" : (value * 100).toFixed(1) + " %"; }

  charts["occupancy-heatmap"] = function (data, el) {
    var setIndex = {};
    data.sets.forEach(function (s, i) { setIndex[s.id] = i; });
    var dayIndex = {};
    data.days.forEach(function (d, i) { dayIndex[d] = i; });
    var cells = data.set_days.map(function (c) {
      return [dayIndex[c.day], setIndex[c.set], c.utilisation === null ? "-" : number(c.utilisation)];
    });
    return {
      tooltip: {
        formatter: function (p) {
          var v = p.value[2];
          return data.sets[p.value[1]].name + " · " + data.days[p.value[0]] + "<br>" +
            el.dataset.labelUtilisation + ": " + (v === "-" ? el.dataset.labelClosed : percent(v));
        }
      },
      grid: { left: 120, right: 20, top: 10, bottom: 70 },
      xAxis: { type: "category", data: data.days, splitArea: { show: true } },
      yAxis: { type: "category", data: data.sets.map(function (s) { return s.name; }), inverse: true },
      visualMap: { min: 0, max: 1, calculable: true, orient: "horizontal", left: "center", bottom: 0,
                   formatter: function (v) { return percent(v); } },
      series: [{ type: "heatmap", name: el.dataset.labelUtilisation, data: cells }]
    };
  };

  charts["occupancy-kinds"] = function (data, el) {
    var kinds = [];
    var labels = {};
    data.kind_weeks.forEach(function (c) {
      if (!(c.kind in labels)) { kinds.push(c.kind); labels[c.kind] = c.kind_label; }
    });
    return {
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 50, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: data.weeks },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: percent } },
      series: kinds.map(function (kind) {
        return {
          type: "line", name: labels[kind],
          data: data.kind_weeks.filter(function (c) { return c.kind === kind; })
            .map(function (c) { return number(c.utilisation); })
        };
      })
    };
  };

  charts["occupancy-revenue"] = function (data, el) {
    function column(key) { return data.revenue_weeks.map(function (w) { return number(w[key]); }); }
    return {
      tooltip: { trigger: "axis", valueFormatter: function (v) { return "¥" + v.toFixed(2); } },
      legend: { bottom: 0 },
      grid: { left: 70, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: data.weeks },
      yAxis: { type: "value", axisLabel: { formatter: "¥{value}" } },
      series: [
        { type: "bar", stack: "revenue", name: el.dataset.labelBookings, data: column("booking_revenue") },
        { type: "bar", stack: "revenue", name: el.dataset.labelCancellations, data: column("cancellation_fees") },
        { type: "bar", stack: "revenue", name: el.dataset.labelNoShows, data: column("no_show_fees") }
      ]
    };
  };
})();
