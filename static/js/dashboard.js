// The dashboard's charts, drawn with ECharts from the JSON the page embeds (#dashboard-data).
// A static file rather than inline script, so the page works under a strict Content-Security-Policy.
// Every bar, point and slice that stands for a list of tasks opens that list when clicked.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", system-ui, sans-serif';
  var RED = "#8b1a1a";
  var GREEN = "#16a34a";
  var OVERDUE_RED = "#dc2626";
  var GREY = "#9ca3af";
  // Longer names are cut on the axis; the tooltip shows them whole.
  var NAME_CHARS = 10;
  var charts = [];

  function shorten(name, size) {
    return name.length > size ? name.slice(0, size - 1) + "…" : name;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function init(id) {
    var element = document.getElementById(id);
    if (!element) {
      return null;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  function follow(url) {
    if (url) {
      window.location.href = url;
    }
  }

  var base = {
    textStyle: { fontFamily: FONT },
    animationDuration: 400,
  };

  function departments() {
    var rows = data.departments;
    var element = document.getElementById("chart-departments");
    if (!element || !rows.length) {
      return;
    }
    // A bar per department, best first from the top: the height grows with the list.
    element.style.height = Math.max(240, rows.length * 34 + 100) + "px";
    var chart = init("chart-departments");
    var names = rows.map(function (row) { return row.name; }).reverse();
    var ordered = rows.slice().reverse();
    chart.setOption(Object.assign({}, base, {
      grid: { left: 8, right: 48, top: 48, bottom: 28, containLabel: true },
      legend: { top: 0, data: [labels.completionRate, labels.overdue] },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (params) {
          var row = ordered[params[0].dataIndex];
          return "<strong>" + escapeHtml(row.name) + "</strong><br>" +
            escapeHtml(labels.completionRate) + "：" + row.rate + "%（" + row.completed + "/" + row.total + "）<br>" +
            escapeHtml(labels.overdue) + "：" + row.overdue;
        },
      },
      // Two scales: the rate along the bottom, the overdue count along the top, each named.
      xAxis: [
        { type: "value", min: 0, max: 100, position: "bottom", axisLabel: { formatter: "{value}%" },
          name: labels.completionRate, nameLocation: "middle", nameGap: 24 },
        { type: "value", minInterval: 1, position: "top", splitLine: { show: false },
          axisLabel: { color: OVERDUE_RED }, name: labels.overdue, nameLocation: "end",
          nameTextStyle: { color: OVERDUE_RED } },
      ],
      yAxis: {
        type: "category",
        data: names,
        axisTick: { show: false },
        triggerEvent: true,
        axisLabel: { formatter: function (name) { return shorten(name, NAME_CHARS); } },
      },
      series: [
        {
          name: labels.completionRate,
          type: "bar",
          xAxisIndex: 0,
          barMaxWidth: 14,
          itemStyle: { color: GREEN },
          label: { show: true, position: "right", formatter: "{c}%", fontSize: 11 },
          data: ordered.map(function (row) { return row.rate; }),
        },
        {
          name: labels.overdue,
          type: "bar",
          xAxisIndex: 1,
          barMaxWidth: 14,
          itemStyle: { color: OVERDUE_RED },
          data: ordered.map(function (row) { return row.overdue; }),
        },
      ],
    }));
    chart.on("click", function (params) {
      if (params.componentType === "yAxis") {
        // A department's name on the axis opens its list too.
        var index = names.indexOf(params.value);
        follow(index >= 0 ? ordered[index].url : null);
        return;
      }
      var row = ordered[params.dataIndex];
      follow(params.seriesIndex === 1 ? row.overdueUrl : row.url);
    });
  }

  function regions() {
    var rows = data.regions;
    if (!rows.length) {
      return;
    }
    var chart = init("chart-regions");
    if (!chart) {
      return;
    }
    var many = rows.length > 6;
    chart.setOption(Object.assign({}, base, {
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, data: [labels.completed, labels.overdue, labels.total] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: {
        type: "category",
        data: rows.map(function (row) { return row.name; }),
        axisLabel: {
          interval: 0,
          rotate: many ? 40 : 0,
          formatter: function (name) { return shorten(name, many ? 8 : 6); },
        },
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: labels.total, type: "bar", barMaxWidth: 24, itemStyle: { color: GREY },
          data: rows.map(function (row) { return row.total; }) },
        { name: labels.completed, type: "bar", barMaxWidth: 24, itemStyle: { color: GREEN },
          data: rows.map(function (row) { return row.completed; }) },
        { name: labels.overdue, type: "bar", barMaxWidth: 24, itemStyle: { color: OVERDUE_RED },
          data: rows.map(function (row) { return row.overdue; }) },
      ],
    }));
    chart.on("click", function (params) {
      var row = rows[params.dataIndex];
      follow([row.url, row.completedUrl, row.overdueUrl][params.seriesIndex]);
    });
  }

  function months() {
    var rows = data.months;
    var chart = init("chart-months");
    if (!chart) {
      return;
    }
    chart.setOption(Object.assign({}, base, {
      grid: { left: 16, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "category",
        data: rows.map(function (row) { return row.month; }),
        axisLabel: { interval: 0, rotate: 45, fontSize: 11 },
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        name: labels.completions,
        type: "line",
        smooth: false,
        symbolSize: 8,
        itemStyle: { color: RED },
        areaStyle: { color: "rgba(139, 26, 26, 0.08)" },
        data: rows.map(function (row) { return row.completed; }),
      }],
    }));
    chart.on("click", function (params) {
      follow(rows[params.dataIndex].url);
    });
  }

  function targets() {
    var rows = data.targets;
    var chart = init("chart-targets");
    if (!chart) {
      return;
    }
    var colors = { attained: GREEN, notAttained: OVERDUE_RED, noActual: GREY };
    // The slices count targets but open lists of tasks: the tooltip says so before the click.
    var hint = document.getElementById("chart-targets").getAttribute("data-click-hint") || "";
    chart.setOption(Object.assign({}, base, {
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          var text = escapeHtml(params.name) + "：" + params.value + "（" + params.percent + "%）";
          return rows[params.dataIndex].url && hint ? text + "<br>" + escapeHtml(hint) : text;
        },
      },
      series: [{
        type: "pie",
        radius: ["45%", "72%"],
        avoidLabelOverlap: true,
        label: { formatter: "{b}\n{c}" },
        data: rows.map(function (row) {
          return { name: labels[row.key], value: row.value, itemStyle: { color: colors[row.key] } };
        }),
      }],
    }));
    chart.on("click", function (params) {
      follow(rows[params.dataIndex].url);
    });
  }

  function start() {
    departments();
    regions();
    months();
    targets();
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
