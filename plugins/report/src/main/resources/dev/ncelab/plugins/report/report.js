/* ncelab report pages: charts (uPlot), the epoch slider, sortable and filterable tables. No network. */
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('model').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf',
    '#bcbd22', '#7f7f7f'];
  var state = { charts: [] };
  window.ncelab = state; // the browser tests read what was drawn from here
  var plots = [];

  function pairs(xs, ys) {
    var x = [], y = [];
    for (var i = 0; i < xs.length; i++) {
      if (xs[i] != null && ys[i] != null) { x.push(xs[i]); y.push(ys[i]); }
    }
    return [x, y];
  }

  function chartWidth(el) { return Math.max(260, Math.floor(el.getBoundingClientRect().width) - 2); }

  function box(parent, title) {
    var div = document.createElement('div');
    div.className = 'chart';
    var h = document.createElement('h3');
    h.textContent = title;
    div.appendChild(h);
    parent.appendChild(div);
    return div;
  }

  function stepRange(runs) {
    var lo = Infinity, hi = -Infinity;
    runs.forEach(function (r) {
      (r.columns.step || []).forEach(function (s) { if (s != null) { lo = Math.min(lo, s); hi = Math.max(hi, s); } });
    });
    return isFinite(lo) ? [lo, hi > lo ? hi : lo + 1] : null;
  }

  function lineChart(parent, spec, runs, xr) {
    var div = box(parent, spec.title);
    div.dataset.id = spec.id;
    var tables = spec.lines.map(function (l) { return pairs(runs[l.run].columns.step, runs[l.run].columns[l.column]); });
    var data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    var columns = [];
    var series = [{ label: 'step' }];
    var points = 0;
    spec.lines.forEach(function (l, i) {
      if (columns.indexOf(l.column) < 0) { columns.push(l.column); }
      var col = columns.indexOf(l.column);
      var color = runs.length > 1 ? palette[l.run % palette.length] : palette[i % palette.length];
      var s = { label: l.label, stroke: color, width: 1.5, spanGaps: true, points: { show: tables[i][0].length < 60 } };
      if (runs.length > 1 && col > 0) { s.dash = [6, 3]; }
      if (l.step) { s.paths = uPlot.paths.stepped({ align: 1 }); s.width = 1; }
      series.push(s);
      points += tables[i][0].length;
    });
    (spec.hlines || []).forEach(function (h) {
      data.push(data[0].map(function () { return h.value; }));
      series.push({ label: h.label, stroke: '#444', dash: [8, 4], width: 1, points: { show: false } });
    });
    var opts = {
      width: chartWidth(div), height: 230, series: series,
      scales: { x: { time: false }, y: {} },
      axes: [{ label: 'step', size: 40 }, { size: 60 }],
      cursor: { sync: { key: 'steps' } },
      legend: { live: true }
    };
    if (xr) { opts.scales.x.range = function () { return [xr[0], xr[1]]; }; }
    if (spec.range) { opts.scales.y.range = function () { return [spec.range[0] - 0.02, spec.range[1] + 0.02]; }; }
    var u = new uPlot(opts, data, div);
    plots.push({ plot: u, div: div });
    state.charts.push({ id: spec.id, title: spec.title, series: spec.lines.length, points: points });
  }

  function effectChart(parent, e) {
    var div = box(parent, e.metric + ' against ' + e.param + ' (each point; mean ± sd over the other parameters)');
    div.dataset.id = 'effect:' + e.param;
    var data = [e.x, e.mean, e.lo, e.hi];
    var series = [{ label: e.param },
      { label: 'mean', stroke: palette[0], width: 2, points: { show: true, size: 7 } },
      { label: 'mean ± sd', stroke: 'rgba(31,119,180,0.35)', width: 1, points: { show: false } },
      { label: 'mean + sd', stroke: 'rgba(31,119,180,0.35)', width: 1, points: { show: false } }];
    var points = 0;
    e.points.forEach(function (ys, j) {
      data.push(ys);
      ys.forEach(function (y) { if (y != null) { points++; } });
      series.push({ label: j === 0 ? 'points' : 'points ' + (j + 1), show: true, stroke: palette[1],
        paths: function () { return null; }, points: { show: true, size: 5, fill: palette[1] } });
    });
    var axisX = { label: e.param, size: 44 };
    var scaleX = { time: false };
    if (e.categorical) {
      axisX.splits = function () { return e.x; };
      axisX.values = function (u, splits) { return splits.map(function (s) { return e.labels[s] == null ? '' : e.labels[s]; }); };
      scaleX.range = function () { return [-0.5, e.x.length - 0.5]; };
    } else if (e.x.length > 0) {
      var pad = (e.x[e.x.length - 1] - e.x[0]) * 0.06 || 1;
      scaleX.range = function () { return [e.x[0] - pad, e.x[e.x.length - 1] + pad]; };
    }
    var opts = { width: chartWidth(div), height: 260, series: series, scales: { x: scaleX, y: {} },
      axes: [axisX, { label: e.metric, size: 60 }], bands: [{ series: [3, 2], fill: 'rgba(31,119,180,0.12)' }],
      legend: { live: false } };
    var u = new uPlot(opts, data, div);
    // one legend entry for the band and one for the points
    var rows = u.root.querySelectorAll('.u-legend .u-series');
    var offset = series.length - rows.length; // 1 when the legend leaves out the x series
    for (var i = 3; i < series.length; i++) {
      if (i !== 4 && rows[i - offset]) { rows[i - offset].style.display = 'none'; }
    }
    plots.push({ plot: u, div: div });
    state.charts.push({ id: 'effect:' + e.param, title: e.param, series: series.length - 1, points: points });
  }

  function drawCharts() {
    var holder = document.getElementById('charts');
    if (holder && model.charts) {
      var xr = stepRange(model.runs);
      model.charts.forEach(function (c) { lineChart(holder, c, model.runs, xr); });
    }
    var eff = document.getElementById('effects');
    if (eff && model.effects) {
      model.effects.forEach(function (e) { effectChart(eff, e); });
    }
  }

  function density() {
    var slider = document.getElementById('epoch-slider');
    var epochs = model.epochs || [];
    if (!slider || epochs.length === 0) { return; }
    var img = document.getElementById('density-img');
    var label = document.getElementById('epoch-label');
    var viridis = document.getElementById('cmap-viridis');
    if (!epochs.some(function (e) { return e.viridis; })) {
      viridis.disabled = true;
      viridis.parentNode.title = 'no viridis copies yet: ncelab report <run dir> writes them';
    }
    slider.max = String(epochs.length - 1);
    slider.value = String(epochs.length - 1);
    function show() {
      var e = epochs[Number(slider.value)];
      var cmap = document.querySelector('input[name=cmap]:checked').value;
      img.src = cmap === 'viridis' && e.viridis ? e.viridis : e.jet;
      label.textContent = 'epoch ' + e.epoch + ' (' + (Number(slider.value) + 1) + ' of ' + epochs.length + ')';
    }
    slider.addEventListener('input', show);
    document.querySelectorAll('input[name=cmap]').forEach(function (r) { r.addEventListener('change', show); });
    show();
  }

  function cellValue(td) { return td.dataset.v != null ? td.dataset.v : td.textContent.trim(); }

  function sortable(table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, i) {
      th.addEventListener('click', function () {
        var asc = th.dataset.dir !== 'asc';
        Array.prototype.forEach.call(heads, function (h) { delete h.dataset.dir; });
        th.dataset.dir = asc ? 'asc' : 'desc';
        var num = th.dataset.type === 'num';
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[i]), y = cellValue(b.cells[i]);
          if (num) {
            var fx = x === '' ? NaN : Number(x), fy = y === '' ? NaN : Number(y);
            if (isNaN(fx) || isNaN(fy)) { return isNaN(fx) === isNaN(fy) ? 0 : isNaN(fx) ? 1 : -1; }
            return asc ? fx - fy : fy - fx;
          }
          return asc ? x.localeCompare(y) : y.localeCompare(x);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  function filterable(input) {
    var table = document.getElementById(input.dataset.table);
    var count = document.getElementById(input.dataset.table + '-count');
    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (r) {
        var text = r.textContent.toLowerCase();
        var ok = terms.every(function (t) { return text.indexOf(t) >= 0; });
        r.hidden = !ok;
        if (ok) { shown++; }
      });
      if (count) { count.textContent = shown + ' of ' + rows.length + ' rows'; }
    }
    input.addEventListener('input', apply);
    apply();
  }

  function onlyDiff() {
    var box = document.getElementById('only-diff');
    if (!box) { return; }
    var t = document.getElementById(box.dataset.table);
    box.addEventListener('change', function () { t.classList.toggle('only-diff', box.checked); });
  }

  drawCharts();
  density();
  document.querySelectorAll('table.sortable').forEach(sortable);
  document.querySelectorAll('input.filter').forEach(filterable);
  onlyDiff();
  var resizing = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: chartWidth(p.div), height: p.plot.height }); });
    }, 100);
  });
  state.ready = true;
})();
