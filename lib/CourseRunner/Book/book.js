/* The course book's own script: draws the charts to fit the text column, and sizes output frames.
   Loaded from the book's folder before the charts; it sends nothing anywhere. */
(function () {
  "use strict";

  var charts = [];       // { id, data, layout, config }: each chart's figure as the lesson made it
  var STACK_BELOW = 1000; // px of window: side-by-side panels go one under the other below this
  var MIN_SCALE = 0.55;   // a figure shrunk more than this stacks its panels instead
  var TITLE_CHAR_PX = 9;  // width of one character of a chart title (17 px font)
  var PANEL_CHAR_PX = 8;  // the same for a panel title (14 px)

  function copy(value) { return JSON.parse(JSON.stringify(value)); }

  /* Breaks text (Plotly's HTML subset: &lt; stays one character) into lines of at most maxChars, at spaces. */
  function wrap(text, maxChars) {
    if (!text || maxChars < 8) return { text: text, lines: 1 };
    var parts = text.split("<br>");
    var out = [];
    parts.forEach(function (part) {
      var visible = function (s) { return s.replace(/<[^>]+>/g, "").replace(/&[a-z#0-9]+;/g, "x").length; };
      if (visible(part) <= maxChars) { out.push(part); return; }
      var words = part.split(" "), line = "";
      words.forEach(function (word) {
        if (line && visible(line + " " + word) > maxChars) { out.push(line); line = word; }
        else { line = line ? line + " " + word : word; }
      });
      if (line) out.push(line);
    });
    return { text: out.join("<br>"), lines: out.length };
  }

  function axisNames(layout, letter) {
    return Object.keys(layout).filter(function (k) { return new RegExp("^" + letter + "axis\\d*$").test(k); })
      .sort(function (a, b) { return (parseInt(a.slice(5), 10) || 1) - (parseInt(b.slice(5), 10) || 1); });
  }

  function cells(axis) { return axis && axis.range ? Math.abs(axis.range[1] - axis.range[0]) : 0; }

  /* Tick labels shrunk with the cells they label (not below 8 px), so they stay level instead of turning. */
  function shrinkTicks(layout, factor) {
    if (factor >= 1) return;
    axisNames(layout, "x").concat(axisNames(layout, "y")).forEach(function (name) {
      var font = layout[name].tickfont;
      if (font && font.size) font.size = Math.max(8, Math.round(font.size * factor * 10) / 10);
    });
  }

  /* The figure laid out for a column `available` px wide. */
  function fit(figure, available) {
    var layout = copy(figure.layout), data = copy(figure.data);
    var m = layout.margin || { l: 80, r: 80, t: 100, b: 80 };
    var width = layout.width || available, height = layout.height || 450;
    var xs = axisNames(layout, "x"), ys = axisNames(layout, "y");
    var heatmap = ys.some(function (y) { return layout[y].scaleanchor; });
    var panels = xs.length > 1 && xs.every(function (x) { return layout[x].domain; }) ? xs.length : 1;
    var plotW = width - m.l - m.r, plotH = height - m.t - m.b;
    var room = available - m.l - m.r;
    var scale = Math.min(1, room / plotW);
    var stack = panels > 1 && (window.innerWidth < STACK_BELOW || scale < MIN_SCALE);

    if (stack) {
      var cellsX = cells(layout[xs[0]]), cellsY = cells(layout[ys[0]]);
      var cellPx = Math.min(plotH / Math.max(cellsY, 1), room / Math.max(cellsX, 1));
      var panelW = cellsX * cellPx, panelH = cellsY * cellPx;
      if (heatmap) shrinkTicks(layout, cellPx / (plotH / Math.max(cellsY, 1)));
      var gap = m.b + 40;
      var total = panels * panelH + (panels - 1) * gap;
      var titles = (layout.annotations || []).filter(function (a) { return a.xref === "paper" && a.yref === "paper" && a.y === 1; });
      xs.forEach(function (x, k) {
        var top = 1 - k * (panelH + gap) / total, bottom = top - panelH / total;
        var w = Math.min(1, panelW / room);
        layout[x].domain = [(1 - w) / 2, (1 + w) / 2];
        layout[ys[k]].domain = [Math.max(0, bottom), Math.min(1, top)];
        if (titles[k]) { titles[k].x = 0.5; titles[k].y = top; }
        data.forEach(function (trace) {
          if ((trace.xaxis || "x") === "x" + x.slice(5) && trace.colorbar) {
            var offsetPx = -(trace.colorbar.y || 0) * plotH;
            trace.colorbar.x = 0.5;
            trace.colorbar.len = w;
            trace.colorbar.y = bottom - offsetPx / total;
          }
        });
        if (k > 0 && layout[x].title) layout[x].title.text = "";
      });
      titles.forEach(function (t) {
        var wrapped = wrap(t.text, Math.floor(room / PANEL_CHAR_PX));
        t.text = wrapped.text;
      });
      width = available;
      height = total + m.t + m.b;
    } else if (scale < 1) {
      width = available;
      if (heatmap) { height = m.t + m.b + plotH * scale; shrinkTicks(layout, scale); }
      (layout.annotations || []).forEach(function (a) {
        if (a.xref === "paper" && a.yref === "paper" && a.y === 1) {
          var panelPx = plotW * scale / panels;
          var wrapped = wrap(a.text, Math.floor(panelPx / PANEL_CHAR_PX));
          if (wrapped.lines > 1) { a.text = wrapped.text; m.t += (wrapped.lines - 1) * 18; height += (wrapped.lines - 1) * 18; }
        }
      });
    }

    // The figure's title: on as many lines as it needs, never cut at the edges.
    if (layout.title && layout.title.text) {
      var title = wrap(layout.title.text, Math.floor((width - 20) / TITLE_CHAR_PX));
      if (title.lines > 1) {
        layout.title.text = title.text;
        m.t += (title.lines - 1) * 22;
        height += (title.lines - 1) * 22;
      }
    }

    layout.margin = m;
    layout.width = Math.round(width);
    layout.height = Math.round(height);
    layout.modebar = { orientation: "v", bgcolor: "rgba(255,255,255,0.85)" };
    return { data: data, layout: layout };
  }

  function config(original) {
    var c = copy(original || {});
    c.displaylogo = false;
    c.displayModeBar = "hover";
    c.responsive = false;
    c.modeBarButtonsToRemove = ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverClosestCartesian", "hoverCompareCartesian"];
    return c;
  }

  function draw(chart) {
    var element = document.getElementById(chart.id);
    if (!element) return;
    var holder = element.closest(".output") || element.parentElement;
    var available = Math.max(280, Math.floor(holder.clientWidth));
    var figure = fit(chart, available);
    element.style.width = figure.layout.width + "px";
    element.style.margin = "0 auto";
    Promise.resolve(window.Plotly.react(element, figure.data, figure.layout, config(chart.config)))
      .then(function () { trim(element, figure.layout); });
  }

  /* The figure's height cut to what is drawn: the room a lesson's figure keeps under its plot for colour
     bars and turned labels stays empty when the panels lost their bars or the labels stayed level. */
  function trim(element, layout) {
    var box = element.getBoundingClientRect(), lowest = box.top;
    element.querySelectorAll(".main-svg text, .main-svg .nsewdrag, .main-svg .hm, .main-svg .slider-rail-rect")
      .forEach(function (e) {
        var r = e.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) lowest = Math.max(lowest, r.bottom);
      });
    var spare = Math.floor(box.bottom - lowest) - 16;
    if (spare > 8 && layout.margin && layout.margin.b > spare) {
      layout.margin.b -= spare;
      layout.height -= spare;
      window.Plotly.relayout(element, { height: layout.height, "margin.b": layout.margin.b });
    }
  }

  /* Called by each chart's inline script, in place of Plotly.newPlot. */
  window.bookChart = function (id, data, layout, config) {
    var chart = { id: id, data: data, layout: layout, config: config };
    charts.push(chart);
    draw(chart);
  };

  var pending = 0;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(draw); }, 150);
  });

  /* Raw HTML outputs sit in sandboxed frames (no script runs inside): make each as tall as its content. */
  function sizeFrame(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.documentElement || !frame.offsetParent) return; // not shown yet (a closed <details>)
      frame.style.height = Math.min(doc.documentElement.scrollHeight + 2, 2000) + "px";
    } catch (e) {
      frame.style.height = "20rem";
    }
  }

  function frames() {
    document.querySelectorAll("iframe.output-frame").forEach(function (frame) {
      frame.addEventListener("load", function () { sizeFrame(frame); });
      sizeFrame(frame);
    });
    document.querySelectorAll("details").forEach(function (details) {
      details.addEventListener("toggle", function () { details.querySelectorAll("iframe.output-frame").forEach(sizeFrame); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", frames);
  else frames();
})();
