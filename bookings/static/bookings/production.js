// The production page's spend chart: bookings and fees per ISO week, stacked, from the spend JSON.
(function () {
  window.workspaceCharts = window.workspaceCharts || {};
  window.workspaceCharts["production-spend"] = function (data, el) {
    var weeks = data.by_week.map(function (line) { return line.week; });
    return {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 8, right: 8, bottom: 8, top: 32, containLabel: true },
      xAxis: { type: "category", data: weeks },
      yAxis: { type: "value", name: "¥" },
      series: [
        { name: el.dataset.bookingsLabel, type: "bar", stack: "spend",
          data: data.by_week.map(function (line) { return Number(line.bookings); }) },
        { name: el.dataset.feesLabel, type: "bar", stack: "spend",
          data: data.by_week.map(function (line) { return Number(line.fees); }) }
      ]
    };
  };
})();
