// The review dashboard's charts, drawn by workspace.js from the page's JSON (the API's body).
// Words come from the element's data-label-* attributes, translated by the template.
(function () {
  "use strict";
  var charts = (window.workspaceCharts = window.workspaceCharts || {});

  charts["review-turnaround"] = function (data, el) {
    var months = [];
    data.turnaround.forEach(function (row) { if (months.indexOf(row.month) < 0) months.push(row.month); });
    var stages = [];
    var labels = {};
    data.turnaround.forEach(function (row) {
      if (!(row.stage in labels)) { stages.push(row.stage); labels[row.stage] = row.label; }
    });
    function column(stage, key) {
      return months.map(function (month) {
        var row = data.turnaround.filter(function (r) { return r.month === month && r.stage === stage; })[0];
        return row ? row[key] : null;
      });
    }
    var series = stages.map(function (stage) {
      return {
        type: stage === "end_to_end" ? "bar" : "line",
        name: labels[stage] + " · " + el.dataset.labelMedian,
        connectNulls: true,
        data: column(stage, "median")
      };
    });
    series.push({
      type: "line", name: labels.end_to_end + " · " + el.dataset.labelP90, lineStyle: { type: "dashed" },
      connectNulls: true, data: column("end_to_end", "p90"),
      markLine: { symbol: "none", data: [{ yAxis: data.target_working_days, name: el.dataset.labelTarget }],
                  label: { formatter: el.dataset.labelTarget + " {c}" } }
    });
    return {
      tooltip: { trigger: "axis" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 60, top: 20, bottom: 60 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", min: 0, name: el.dataset.labelUnit },
      series: series
    };
  };

  charts["review-intake"] = function (data, el) {
    return {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 20, top: 20, bottom: 40 },
      xAxis: { type: "category", data: data.intake_weeks.map(function (w) { return w.week; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: el.dataset.labelCount, data: data.intake_weeks.map(function (w) { return w.count; }) }]
    };
  };

  charts["review-load"] = function (data, el) {
    function column(key) { return data.reviewers.map(function (r) { return r[key]; }); }
    return {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.reviewers.map(function (r) { return r.name; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { type: "bar", name: el.dataset.labelOpen, data: column("open") },
        { type: "bar", name: el.dataset.labelDue, data: column("due_this_week") },
        { type: "bar", name: el.dataset.labelOverdue, data: column("overdue"), itemStyle: { color: "#ba2121" } }
      ]
    };
  };
})();
