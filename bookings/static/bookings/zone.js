// The zone page's charts, drawn by workspace.js from the page's JSON (the API's body). A withheld cell
// (fewer than three companies) is null in the JSON and left out of the chart. Labels come from the
// element's data-label-* attributes, translated by the template.
(function () {
  "use strict";
  var charts = (window.workspaceCharts = window.workspaceCharts || {});
  function number(value) { return value === null || value === undefined ? null : Number(value); }
  function column(rows, key) { return rows.map(function (row) { return number(row[key]); }); }
  function percent(value) { return value === null ? "—" : (value * 100).toFixed(1) + " %"; }
  function frame(data, extra) {
    return Object.assign({
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 50, top: 20, bottom: 50 },
      xAxis: { type: "category", data: data.months }
    }, extra);
  }

  charts["zone-activity"] = function (data, el) {
    var rows = data.activity;
    return frame(data, {
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: el.dataset.labelCrews, data: column(rows, "crews_served") },
        { type: "bar", name: el.dataset.labelProductions, data: column(rows, "productions") },
        { type: "bar", name: el.dataset.labelCompanies, data: column(rows, "companies") },
        { type: "line", name: el.dataset.labelPeople, data: column(rows, "people_called") }
      ]
    });
  };

  // One utilisation series of the given type per distinct row[key] (in order of first appearance), named by
  // its first row's `name` field.
  function usageSeries(rows, key, name, type) {
    var series = [], byKey = {};
    rows.forEach(function (row) {
      if (!(row[key] in byKey)) { byKey[row[key]] = { name: row[name], rows: [] }; series.push(byKey[row[key]]); }
      byKey[row[key]].rows.push(row);
    });
    return series.map(function (group) {
      return { type: type, name: group.name, data: column(group.rows, "utilisation") };
    });
  }
  function usageFrame(data, series) {
    return frame(data, {
      tooltip: { trigger: "axis", valueFormatter: percent },
      yAxis: { type: "value", min: 0, axisLabel: { formatter: percent } },
      series: series
    });
  }

  charts["zone-utilisation"] = function (data, el) {
    return usageFrame(data,
      [{ type: "line", name: el.dataset.labelZone, data: column(data.utilisation.zone, "utilisation") }]
        .concat(usageSeries(data.utilisation.kinds, "kind", "kind_label", "line")));
  };

  charts["zone-bases"] = function (data) {
    return usageFrame(data, usageSeries(data.utilisation.bases, "base", "base_name", "bar"));
  };

  charts["zone-requests"] = function (data, el) {
    var rows = data.requests;
    return frame(data, {
      yAxis: [{ type: "value", min: 0, max: 1, axisLabel: { formatter: percent } }, { type: "value", min: 0 }],
      series: [
        { type: "bar", stack: "share", name: el.dataset.labelConfirmed, data: column(rows, "confirmed_share") },
        { type: "bar", stack: "share", name: el.dataset.labelDeclined, data: column(rows, "declined_share") },
        { type: "bar", stack: "share", name: el.dataset.labelExpired, data: column(rows, "expired_share") },
        { type: "line", yAxisIndex: 1, name: el.dataset.labelLead, data: column(rows, "median_lead_days") }
      ]
    });
  };

  charts["zone-spend"] = function (data, el) {
    return frame(data, {
      grid: { left: 80, right: 20, top: 20, bottom: 50 },
      yAxis: { type: "value", axisLabel: { formatter: "¥{value}" } },
      series: [
        { type: "bar", stack: "spend", name: el.dataset.labelBookings, data: column(data.spend, "bookings") },
        { type: "bar", stack: "spend", name: el.dataset.labelFees, data: column(data.spend, "fees") }
      ]
    });
  };

  charts["zone-review"] = function (data, el) {
    var rows = data.review.months;
    return frame(data, {
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0 }],
      series: [
        { type: "bar", name: el.dataset.labelIntake, data: column(rows, "intake") },
        { type: "bar", name: el.dataset.labelApprovals, data: column(rows, "approvals") },
        { type: "line", yAxisIndex: 1, name: el.dataset.labelMedian, data: column(rows, "median_working_days"),
          markLine: { symbol: "none", label: { formatter: el.dataset.labelTarget + " {c}" },
                      data: [{ yAxis: data.review.target_working_days }] } },
        { type: "line", yAxisIndex: 1, name: el.dataset.labelP90, data: column(rows, "p90_working_days") }
      ]
    });
  };

  charts["zone-circle"] = function (data, el) {
    var hotels = data.circle.hotels;
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 70, containLabel: true },
      xAxis: { type: "category", data: hotels.map(function (h) { return h.name; }),
               axisLabel: { interval: 0, overflow: "truncate", width: 80 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.circle.limits.map(function (n) {
        return { type: "bar", name: el.dataset.labelWithin.replace("%(n)s", n),
                 data: hotels.map(function (h) { return h["within_" + n]; }) };
      })
    };
  };
})();
