(function () {
  'use strict';
  // The timeline, page by page, from the JSON array embedded in the page. Evidence strings
  // only ever reach the page through textContent.
  var $ = function (id) { return document.getElementById(id); };
  var data = { modules: [], events: [], omitted: 0 };
  try { data = JSON.parse($('th-data').textContent); } catch (e) { /* keep it empty */ }
  var ev = data.events, mods = data.modules;
  var PAGE = 100;
  var LEVEL = ['', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
  var LEVEL_CLASS = ['', 'lvl-info', 'lvl-low', 'lvl-medium', 'lvl-high', 'lvl-critical'];
  var state = { module: -1, level: 0, text: '', center: null, span: 3600, page: 0, focus: null };
  var hay = null, rows = [], timer = null;

  function key(s) { return String(s).toLowerCase().replace(/[^a-z0-9]/g, ''); }
  function pad(n, w) { var s = String(n); while (s.length < w) { s = '0' + s; } return s; }
  function fmt(us) {
    if (us === null) { return '(no time)'; }
    var d = new Date(Math.floor(us / 1000));
    if (isNaN(d.getTime())) { return String(us); }
    var frac = ((us % 1000000) + 1000000) % 1000000;
    return d.toISOString().slice(0, 19).replace('T', ' ') + '.' + pad(frac, 6);
  }
  function num(n) { return n.toLocaleString('en-US'); }
  function spanWords(s) {
    return s >= 86400 ? (s / 86400) + ' day' + (s > 86400 ? 's' : '') :
      s >= 3600 ? (s / 3600) + ' hour' + (s > 3600 ? 's' : '') : (s / 60) + ' minutes';
  }

  function apply() {
    var m = state.module, lv = state.level, t = state.text, c = state.center;
    var lo = c === null ? 0 : c - state.span * 1e6, hi = c === null ? 0 : c + state.span * 1e6;
    if (t && !hay) {
      hay = new Array(ev.length);
      for (var j = 0; j < ev.length; j++) {
        hay[j] = (mods[ev[j][1]] + '\u0000' + ev[j][2] + '\u0000' + ev[j][3]).toLowerCase();
      }
    }
    rows = [];
    for (var i = 0; i < ev.length; i++) {
      var e = ev[i];
      if (m >= 0 && e[1] !== m) { continue; }
      if (lv > 0 && e[4] < lv) { continue; }
      if (c !== null && (e[0] === null || e[0] < lo || e[0] > hi)) { continue; }
      if (t && hay[i].indexOf(t) < 0) { continue; }
      rows.push(i);
    }
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    td.textContent = text;
    if (cls) { td.className = cls; }
    tr.appendChild(td);
    return td;
  }

  function render() {
    var body = $('tl-body');
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    if (state.page >= pages) { state.page = pages - 1; }
    if (state.page < 0) { state.page = 0; }
    var start = state.page * PAGE, end = Math.min(rows.length, start + PAGE);
    var frag = document.createDocumentFragment();
    for (var k = start; k < end; k++) {
      var e = ev[rows[k]];
      var tr = document.createElement('tr');
      var alert = e[4] > 0 && e[2] === 'ALERT';
      var cls = alert ? 'alert' : (e[4] > 0 ? 'tagged' : '');
      if (state.focus && e[0] === state.focus.t && key(mods[e[1]]) === state.focus.m) {
        cls += ' focus';
      }
      tr.className = cls;
      cell(tr, fmt(e[0]));
      cell(tr, mods[e[1]]);
      var evCell = cell(tr, alert ? '' : e[2]);
      if (alert) {
        var b = document.createElement('span');
        b.className = 'lvl ' + LEVEL_CLASS[e[4]];
        b.textContent = LEVEL[e[4]];
        evCell.appendChild(b);
      }
      cell(tr, e[3]);
      frag.appendChild(tr);
    }
    while (body.firstChild) { body.removeChild(body.firstChild); }
    body.appendChild(frag);
    var filtered = rows.length !== ev.length;
    $('tl-count').textContent = rows.length === 0 ? 'No matching events' :
      'Events ' + num(start + 1) + '–' + num(end) + ' of ' + num(rows.length) +
      (filtered ? ' matching (' + num(ev.length) + ' in all)' : '') +
      ' · page ' + num(state.page + 1) + ' of ' + num(pages);
    $('tl-prev').disabled = state.page === 0;
    $('tl-next').disabled = state.page >= pages - 1;
    var w = $('tl-window');
    if (state.center === null) {
      w.hidden = true;
    } else {
      w.hidden = false;
      w.textContent = 'Time window: ±' + spanWords(state.span) + ' around ' +
        fmt(state.center) + ' UTC. "Clear filters" shows everything again.';
    }
  }

  function update() { apply(); render(); }

  function readControls() {
    state.module = parseInt($('tl-module').value, 10);
    state.level = parseInt($('tl-level').value, 10);
    state.text = $('tl-text').value.trim().toLowerCase();
    state.span = parseInt($('tl-span').value, 10);
    state.page = 0;
    state.focus = null;
  }

  function clearAll() {
    $('tl-module').value = '-1';
    $('tl-level').value = '0';
    $('tl-text').value = '';
    state.center = null;
    readControls();
    update();
  }

  function zoom(center, module) {
    $('tl-module').value = '-1';
    $('tl-level').value = '0';
    $('tl-text').value = '';
    readControls();
    state.center = center;
    state.focus = { t: center, m: key(module) };
    apply();
    for (var k = 0; k < rows.length; k++) {
      if (ev[rows[k]][0] !== null && ev[rows[k]][0] >= center) { state.page = Math.floor(k / PAGE); break; }
    }
    render();
    $('timeline').scrollIntoView();
  }

  ['tl-module', 'tl-level'].forEach(function (id) {
    $(id).addEventListener('change', function () { readControls(); update(); });
  });
  $('tl-span').addEventListener('change', function () {
    var focus = state.focus;
    readControls();
    state.focus = focus;
    update();
  });
  $('tl-text').addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { readControls(); update(); }, 150);
  });
  $('tl-clear').addEventListener('click', clearAll);
  $('tl-prev').addEventListener('click', function () { state.page -= 1; render(); });
  $('tl-next').addEventListener('click', function () { state.page += 1; render(); });
  Array.prototype.forEach.call(document.querySelectorAll('button.zoom'), function (b) {
    b.addEventListener('click', function () {
      zoom(Number(b.getAttribute('data-zoom')), b.getAttribute('data-module'));
    });
  });
  update();
  document.body.setAttribute('data-ready', '1');
}());
