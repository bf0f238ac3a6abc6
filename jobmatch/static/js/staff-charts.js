/* The staff dashboard's charts, drawn with the vendored Apache ECharts from the page's data. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var font = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var ink = "#111";
  var charts = [];

  function base(extra) {
    var option = {
      animation: false,
      textStyle: { fontFamily: font, fontSize: 14, color: ink },
      legend: { top: 0, left: 0, itemGap: 12, textStyle: { fontSize: 14, color: ink } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, textStyle: { fontSize: 14 } },
      grid: { left: 4, right: 24, top: 64, bottom: 4, containLabel: true }
    };
    Object.keys(extra).forEach(function (key) { option[key] = extra[key]; });
    return option;
  }

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
  }

  // Every firm of the park is "天镇县…有限公司": the chart shows the part that tells them apart.
  function names(rows) {
    return rows.map(function (row) {
      return row.name.replace(/^天镇县/, "").replace(/(有限责任公司|有限公司)$/, "") || row.name;
    });
  }

  // Axis titles and labels at 14px at least: the dashboard is read on a phone, often by older eyes.
  var axisTitle = { fontSize: 14, color: ink, fontWeight: "bold" };

  // Category labels on the left, cut to fit a phone; the table beside holds the full names.
  function categoryAxis(rows, title) {
    return {
      type: "category", inverse: true, data: names(rows), name: title, nameLocation: "start",
      nameTextStyle: { fontSize: 14, color: ink, fontWeight: "bold", align: "left" }, nameGap: 8,
      axisLabel: { fontSize: 14, color: ink, width: 112, overflow: "truncate" }
    };
  }

  function valueAxis(title) {
    return { type: "value", minInterval: 1, name: title, nameLocation: "middle", nameGap: 30,
      nameTextStyle: axisTitle, axisLabel: { fontSize: 14, color: ink, hideOverlap: true } };
  }

  function stacked(name, stack, color, values) {
    return { name: name, type: "bar", stack: stack, itemStyle: { color: color }, barMaxWidth: 18,
      data: values };
  }

  var firms = data.firms;
  draw("chart-firms", base({
    legend: { top: 0, left: 0, itemGap: 10, textStyle: { fontSize: 14, color: ink } },
    grid: { left: 4, right: 24, top: 96, bottom: 36, containLabel: true },
    yAxis: categoryAxis(firms, "企业"),
    xAxis: valueAxis("人数"),
    series: [
      stacked("普工已招", "general", "#0a4a9c", firms.map(function (r) { return r.general_filled; })),
      stacked("普工空缺", "general", "#8fb3e3", firms.map(function (r) { return r.general_openings - r.general_filled; })),
      stacked("技工已招", "skilled", "#a34a00", firms.map(function (r) { return r.skilled_filled; })),
      stacked("技工空缺", "skilled", "#f0b27a", firms.map(function (r) { return r.skilled_openings - r.skilled_filled; }))
    ]
  }));

  var programs = data.programs;
  draw("chart-programs", base({
    legend: { show: false },
    grid: { left: 4, right: 40, top: 36, bottom: 36, containLabel: true },
    yAxis: categoryAxis(programs, "培训项目"),
    xAxis: valueAxis("结业人数（人）"),
    series: [{ name: "结业人数", type: "bar", barMaxWidth: 24, itemStyle: { color: "#0b6127" },
      label: { show: true, position: "right", fontSize: 14, color: ink },
      data: programs.map(function (r) { return r.trained; }) }]
  }));

  var orders = data.orders;
  draw("chart-orders", base({
    grid: { left: 4, right: 24, top: 88, bottom: 36, containLabel: true },
    yAxis: categoryAxis(orders, "产品"),
    xAxis: valueAxis("件数"),
    series: [
      stacked("合格", "order", "#0b6127", orders.map(function (r) { return r.accepted; })),
      stacked("不合格", "order", "#a4001c", orders.map(function (r) { return r.delivered - r.accepted; })),
      stacked("未交", "order", "#c9d1dc", orders.map(function (r) { return r.quantity - r.delivered; }))
    ]
  }));

  var placements = data.placements;
  draw("chart-placements", base({
    legend: { show: false },
    grid: { left: 16, right: 24, top: 40, bottom: 36, containLabel: true },
    xAxis: { type: "category", data: placements.map(function (r) { return r.month; }),
      name: "月份", nameLocation: "middle", nameGap: 30, nameTextStyle: axisTitle,
      axisLabel: { fontSize: 14, color: ink } },
    yAxis: { type: "value", minInterval: 1, name: "录用人数（人）", nameLocation: "end",
      // Left-aligned from the axis, so that the title is not cut at the chart's left edge.
      nameTextStyle: { fontSize: 14, color: ink, fontWeight: "bold", align: "left" },
      axisLabel: { fontSize: 14, color: ink } },
    series: [{ name: "录用人数", type: "bar", barMaxWidth: 28, itemStyle: { color: "#0a4a9c" },
      // Numbers over the bars only while they have room for them.
      label: { show: placements.length <= 12, position: "top", fontSize: 14, color: ink },
      data: placements.map(function (r) { return r.hired; }) }]
  }));

  // Share of each firm's hires still at work after 30, 90 and 180 days (the table has counts).
  var retention = data.retention || [];
  function percent(value) { return value === null ? null : Math.round(value * 1000) / 10; }
  draw("chart-retention", base({
    grid: { left: 4, right: 24, top: 88, bottom: 36, containLabel: true },
    yAxis: categoryAxis(retention, "企业"),
    xAxis: { type: "value", max: 100, name: "仍在岗比例", nameLocation: "middle", nameGap: 30,
      nameTextStyle: axisTitle,
      axisLabel: { fontSize: 14, color: ink, formatter: "{value}%", hideOverlap: true } },
    series: [[30, "#0b6127"], [90, "#0a4a9c"], [180, "#a34a00"]].map(function (pair) {
      return { name: "满" + pair[0] + "天仍在岗", type: "bar", barMaxWidth: 12,
        itemStyle: { color: pair[1] },
        data: retention.map(function (r) { return percent(r["rate_" + pair[0]]); }) };
    })
  }));

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
}());
