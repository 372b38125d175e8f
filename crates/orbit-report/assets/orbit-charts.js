// Renders every Vega-Lite chart of an orbit page (report or dashboard) with the vendored
// vega-embed, and points each chart's download links at its own inline data and spec, so a
// single saved page still offers them. Expressions run through vega-interpreter: no eval,
// so the dashboard's Content-Security-Policy needs no 'unsafe-eval'.
(function () {
  'use strict';

  // The same CSV as the server's /charts/<name>.csv: columns in alphabetical order.
  function csv(rows) {
    var columns = [];
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (k) {
        if (columns.indexOf(k) < 0) columns.push(k);
      });
    });
    function cell(v) {
      if (v === null || v === undefined) return '';
      var s = typeof v === 'string' ? v : JSON.stringify(v);
      return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
    }
    columns.sort();
    var lines = [columns.map(cell).join(',')];
    rows.forEach(function (row) {
      lines.push(columns.map(function (c) { return cell(row[c]); }).join(','));
    });
    return lines.join('\n') + '\n';
  }

  function blobUrl(text, type) {
    return URL.createObjectURL(new Blob([text], { type: type }));
  }

  function embed(figure) {
    var holder = figure.querySelector('.vega');
    var script = figure.querySelector('script.vega-spec');
    if (!holder || !script) return Promise.resolve();
    var spec;
    try {
      spec = JSON.parse(script.textContent);
    } catch (e) {
      holder.textContent = 'This chart could not be read: ' + e.message;
      figure.dataset.error = 'spec';
      return Promise.resolve();
    }
    var rows = (spec.data && spec.data.values) || [];
    var csvLink = figure.querySelector('a.csv');
    var specLink = figure.querySelector('a.spec');
    if (csvLink) csvLink.href = blobUrl(csv(rows), 'text/csv');
    if (specLink) specLink.href = blobUrl(JSON.stringify(spec, null, 2) + '\n', 'application/json');
    if (typeof vegaEmbed !== 'function') {
      holder.textContent = 'The chart library did not load.';
      figure.dataset.error = 'library';
      return Promise.resolve();
    }
    return vegaEmbed(holder, spec, {
      renderer: 'svg',
      actions: { export: true, source: false, compiled: false, editor: false },
      ast: true,
      expr: vega.expressionInterpreter,
      downloadFileName: figure.dataset.chart || 'chart',
    }).then(function () {
      figure.dataset.rendered = 'true';
    }).catch(function (e) {
      holder.textContent = 'This chart could not be drawn: ' + e.message;
      figure.dataset.error = 'render';
    });
  }

  function start() {
    var figures = Array.prototype.slice.call(document.querySelectorAll('figure.vchart'));
    Promise.all(figures.map(embed)).then(function () {
      document.documentElement.dataset.chartsReady = String(figures.length);
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
