// The playground's drawing: every number comes from the course library running in .NET (WebAssembly);
// this file only turns a heatmap description into a plotly.js chart, with the book's look: −∞ cells grey
// and crossed out, NaN cells pink, token names on both axes, values in the cells, diverging colours for
// signed data. Each panel's description stays in playground.heatmaps[name], so tests read the numbers the
// page shows without reading pixels.
"use strict";

window.playground = (function () {
  const masked = "#d4d4d4", cross = "#808080", nan = "#f4c2c2", plusInf = "#e4d4f0", maskVisible = "#f3f7fb";
  const blues = [[0, "#f7fbff"], [0.125, "#deebf7"], [0.25, "#c6dbef"], [0.375, "#9ecae1"], [0.5, "#6baed6"],
    [0.625, "#4292c6"], [0.75, "#2171b5"], [0.875, "#08519c"], [1, "#08306b"]];
  const diverging = [[0, "#2166ac"], [0.15, "#4393c3"], [0.3, "#92c5de"], [0.45, "#e3eef5"], [0.5, "#f7f7f7"],
    [0.55, "#fbe9d3"], [0.7, "#fdb863"], [0.85, "#e08214"], [1, "#b35806"]];
  const blockColours = { skipped: "#ffffff", partial: "#fdb863", full: "#2171b5" };

  // plotly.js reads labels as a small HTML subset: a learner's "<script>" or "<pad>" must stay text.
  const escape = s => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

  // kinds: 0 finite, 1 −∞, 2 NaN, 3 +∞ (JSON has no infinities, so the cell is null and its kind says why).
  function label(v, kind, decimals) {
    if (kind === 1) return "−∞";
    if (kind === 2) return "NaN";
    if (kind === 3) return "+∞";
    const s = v.toFixed(decimals);
    return /^-?[0.]+$/.test(s) ? s.replace("-", "") : s;
  }

  function axis(labels, reversed, title, anchor, domain) {
    const n = labels.length;
    return {
      tickmode: "array", tickvals: labels.map((_, i) => i), ticktext: labels.map(escape),
      range: reversed ? [n - 0.5, -0.5] : [-0.5, n - 0.5], autorange: false, showgrid: false, zeroline: false,
      ticks: "outside", ticklen: 4, tickcolor: "rgba(0,0,0,0)", showline: false, automargin: false,
      tickfont: { size: 12 }, title: { text: escape(title) }, anchor, domain,
    };
  }

  // Room for the longest labels (no automargin: it lays a figure out twice, and an update must be quick).
  const longest = labels => Math.max(...labels.map(l => String(l).length));
  const rowLabelsWidth = h => Math.min(260, 34 + 7.2 * longest(h.rows));

  // One panel of a figure: its traces, crosses and title on the axes x{k}/y{k}, left edge at `left` pixels.
  function panel(h, k, left, cell, plot, rowsShownBefore) {
    const r = h.rows.length, c = h.cols.length;
    const xa = k === 0 ? "x" : "x" + (k + 1), ya = k === 0 ? "y" : "y" + (k + 1);
    const fontSize = Math.max(8, Math.min(13, cell * 0.26));
    const showValues = cell >= 30;
    const z = [], text = [], hover = [], special = [], specialText = [];
    let crosses = "";
    let any = false;
    // A cross over a −∞ cell: four arms from the corners that stop short of the centre, where its label sits.
    const a = 0.12, t = 0.26;
    for (let i = 0; i < r; i++) {
      z.push([]); text.push([]); hover.push([]); special.push([]); specialText.push([]);
      for (let j = 0; j < c; j++) {
        const v = h.cells[i][j], kind = h.kinds[i][j];
        const shown = label(v, kind, h.decimals);
        hover[i].push(escape(h.rows[i]) + " → " + escape(h.cols[j]) + ": " + shown);
        if (kind === 0) {
          z[i].push(h.asMask ? 0 : v); text[i].push(shown); special[i].push(null); specialText[i].push("");
          continue;
        }
        any = true;
        z[i].push(null); text[i].push("");
        special[i].push(kind === 2 ? 0 : kind === 1 ? 1 : 2);
        specialText[i].push(shown);
        if (kind === 1 && cell >= 16) {
          for (const [dx, dy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]]) {
            crosses += `M ${j + dx * (0.5 - a)},${i + dy * (0.5 - a)} L ${j + dx * t},${i + dy * t} `;
          }
        }
      }
    }
    const base = { type: "heatmap", x: [...Array(c).keys()], y: [...Array(r).keys()], xgap: 1, ygap: 1, xaxis: xa, yaxis: ya,
      hoverongaps: false, hovertemplate: "%{hovertext}<extra></extra>" };
    const main = { ...base, z, text, hovertext: hover, showscale: false };
    if (showValues) { main.texttemplate = "%{text}"; main.textfont = { size: fontSize }; }
    const finite = h.cells.flat().filter((v, q) => h.kinds[Math.floor(q / c)][q % c] === 0);
    const lo = Math.min(...finite), hi = Math.max(...finite);
    let note = h.note || "";
    if (h.asMask || finite.length === 0 || lo === hi) {
      for (const row of z) for (let j = 0; j < c; j++) if (row[j] !== null) row[j] = 0;
      Object.assign(main, { colorscale: [[0, maskVisible], [1, maskVisible]], zmin: 0, zmax: 1 });
      if (!h.asMask && finite.length > 0) {
        note = (any ? "every finite cell exactly " : "all exactly ") + label(lo, 0, h.decimals);
      }
    } else if (lo < 0) {
      const reach = Math.max(-lo, hi, 0);
      Object.assign(main, { colorscale: diverging, zmin: -reach, zmax: reach });
    } else {
      Object.assign(main, { colorscale: blues, zmin: 0, zmax: hi });
    }
    const traces = [main];
    if (any) {
      traces.push({ ...base, name: "not a finite number", z: special, hovertext: hover, zmin: 0, zmax: 2, showscale: false,
        colorscale: [[0, nan], [0.5, masked], [1, plusInf]], text: specialText,
        // Labelled where a label fits beside the cross (the book labels from 20 px; text costs update time).
        ...(cell >= 24 ? { texttemplate: "%{text}", textfont: { size: fontSize, color: "#404040" } } : {}) });
    }
    const x0 = left / plot.width, x1 = (left + c * cell) / plot.width;
    const axes = {
      [k === 0 ? "xaxis" : "xaxis" + (k + 1)]: axis(h.cols, false, h.xTitle, ya, [x0, x1]),
      [k === 0 ? "yaxis" : "yaxis" + (k + 1)]: {
        ...axis(h.rows, true, rowsShownBefore ? "" : h.yTitle, xa, [1 - (r * cell) / plot.height, 1]),
        ...(rowsShownBefore ? { showticklabels: false } : {}),
      },
    };
    // One path for every cross and the labels as the flat-coloured trace's text: a few elements, not one per cell.
    const shapes = crosses ? [{ type: "path", xref: xa, yref: ya, layer: "above", line: { color: cross, width: 1.2 }, path: crosses }] : [];
    const title = { text: escape(h.title) + (note ? "<br><i>" + escape(note) + "</i>" : ""), x: (x0 + x1) / 2, y: 1,
      xref: "paper", yref: "paper", xanchor: "center", yanchor: "bottom", yshift: 8, showarrow: false, font: { size: 14 } };
    return { traces, axes, shapes, title, note };
  }

  // Heatmaps side by side in one figure (one layout pass for all of them, as the book's panels).
  function heatmaps(element, list) {
    const largest = Math.max(...list.map(p => Math.max(p.heatmap.rows.length, p.heatmap.cols.length)));
    const cell = Math.max(22, Math.min(46, Math.floor(360 / largest)));
    const gap = 24;
    const lefts = [];
    let width = 0;
    // A panel whose rows are the first panel's shows no row labels of its own: the row is read across.
    const sameRows = p => p.heatmap.rows.join("\u0000") === list[0].heatmap.rows.join("\u0000") && p.heatmap.yTitle === list[0].heatmap.yTitle;
    list.forEach((p, k) => {
      if (k > 0) width += gap + (sameRows(p) ? 0 : rowLabelsWidth(p.heatmap));
      lefts.push(width);
      width += p.heatmap.cols.length * cell;
    });
    const rows = Math.max(...list.map(p => p.heatmap.rows.length));
    const plot = { width, height: rows * cell };
    const parts = list.map((p, k) => panel(p.heatmap, k, lefts[k], cell, plot, k > 0 && sameRows(p)));
    const anyNote = parts.some(q => q.note);
    const margin = { l: rowLabelsWidth(list[0].heatmap), r: 10, t: anyNote ? 64 : 44,
      b: Math.min(200, 40 + 6.5 * Math.max(...list.map(p => longest(p.heatmap.cols)))) };
    const layout = {
      width: plot.width + margin.l + margin.r, height: plot.height + margin.t + margin.b, margin,
      plot_bgcolor: "white", paper_bgcolor: "white", font: { family: "Arial, sans-serif", color: "#222" },
      hovermode: "closest", showlegend: false,
      shapes: parts.flatMap(q => q.shapes), annotations: parts.map(q => q.title),
    };
    for (const q of parts) Object.assign(layout, q.axes);
    for (const p of list) heatmapData[p.id] = p.heatmap;
    return Plotly.react(element, parts.flatMap(q => q.traces), layout, { displayModeBar: false, responsive: false });
  }

  // What each panel shows, by its name ("weights", "masked-scores", ...): the numbers the tests read.
  const heatmapData = {};

  // A block plan: one flat colour per block (skipped / partial / full), its word in the cell.
  function blocks(element, b) {
    const kinds = ["skipped", "partial", "full"];
    const r = b.work.length, c = b.work[0].length;
    const z = b.work.map(row => row.map(w => kinds.indexOf(w)));
    const colours = [[0, blockColours.skipped], [0.333, blockColours.skipped], [0.333, blockColours.partial],
      [0.667, blockColours.partial], [0.667, blockColours.full], [1, blockColours.full]];
    const trace = { type: "heatmap", z, x: [...Array(c).keys()], y: [...Array(r).keys()], xgap: 2, ygap: 2, zmin: -0.5, zmax: 2.5,
      colorscale: colours, showscale: false, text: b.work, texttemplate: "%{text}", textfont: { size: 11 },
      hovertemplate: "query block %{y}, key block %{x}: %{text}<extra></extra>" };
    const cell = Math.max(40, Math.min(70, Math.floor(320 / Math.max(r, c))));
    const names = n => [...Array(n).keys()].map(i => String(i));
    element.blockPlan = b;
    return Plotly.react(element, [trace], {
      title: { text: escape(b.title), font: { size: 14 } }, width: c * cell + 110, height: r * cell + 120,
      margin: { l: 90, r: 10, t: 50, b: 60 }, plot_bgcolor: "#eee", paper_bgcolor: "white",
      font: { family: "Arial, sans-serif", color: "#222" },
      xaxis: axis(names(c), false, "key block", "y"), yaxis: { ...axis(names(r), true, "query block", "x"), scaleanchor: "x", scaleratio: 1 },
    }, { displayModeBar: false });
  }

  function draw(json) {
    const charts = JSON.parse(json);
    const started = performance.now();
    const all = [];
    for (const chart of charts) {
      const element = document.getElementById(chart.id);
      if (!element) continue;
      // A chart whose numbers did not change (the scores when only the mask did) is not drawn again.
      const key = JSON.stringify(chart);
      if (element.drawnKey === key) continue;
      element.drawnKey = key;
      all.push(chart.blocks ? blocks(element, chart.blocks) : heatmaps(element, chart.panels));
    }
    return Promise.all(all).then(() => {
      window.playground.lastDrawMs = performance.now() - started;
      // Milliseconds from the start of the page's navigation to its first charts: the first render.
      window.playground.firstDrawAt = window.playground.firstDrawAt || performance.now();
      window.playground.draws = (window.playground.draws || 0) + 1;
      document.body.dataset.draws = String(window.playground.draws);
    });
  }

  // Milestones of the first render (performance marks), for the figures test: when .NET's first page ran, when the model was read.
  function mark(name) {
    if (performance.getEntriesByName(name).length === 0) performance.mark(name);
  }

  return { draw, mark, heatmaps: heatmapData, draws: 0, lastDrawMs: 0 };
})();
