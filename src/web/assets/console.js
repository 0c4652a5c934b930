// The console's progressive enhancement: every page works without it; with it, live pages refresh
// their main region from the server when an event says something changed, the article count
// shows the available number and the seed's refusal as it is typed, the reader and a key shown once
// get copy buttons, and the review list checks every row at once.
(function () {
  'use strict';
  var FINAL = ['task.completed', 'task.failed', 'task.canceled', 'task.timeout'];
  var TASK_EVENTS = ['task.started', 'task.retried', 'task.progress', 'task.paused', 'task.resumed', 'article.saved', 'article.failed', 'article.skipped'].concat(FINAL);

  function refreshMain(onDone) {
    fetch(location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (text) {
        if (text === null) return;
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var fresh = doc.getElementById('main');
        var main = document.getElementById('main');
        if (fresh && main) main.innerHTML = fresh.innerHTML;
        if (onDone) onDone(doc.body);
      })
      .catch(function () {});
  }

  /** Coalesces a burst of events into one refresh at a time. */
  function refresher(onDone) {
    var busy = false;
    var again = false;
    function run() {
      if (busy) { again = true; return; }
      busy = true;
      refreshMain(function (body) {
        if (onDone) onDone(body);
      });
      setTimeout(function () {
        busy = false;
        if (again) { again = false; run(); }
      }, 250);
    }
    return run;
  }

  /**
   * The articles being written (article.delta events, never stored): their text grows in #live-writing
   * until the article is saved, fails, or its attempt fails (article.attempt_failed drops the text; a
   * newer attempt replaces an older one). The text goes in as text, never as markup.
   */
  function liveWriting() {
    var writing = {};
    function label(region, position, attempt) {
      var template = region.getAttribute(attempt > 1 ? 'data-writing-attempt' : 'data-writing') || '';
      return template.replace('{n}', String(position + 1)).replace('{attempt}', String(attempt));
    }
    function render() {
      var region = document.getElementById('live-writing');
      if (!region) return;
      region.querySelectorAll('article').forEach(function (el) { el.remove(); });
      var positions = Object.keys(writing).map(Number).sort(function (a, b) { return a - b; });
      positions.forEach(function (position) {
        var w = writing[position];
        var article = document.createElement('article');
        article.className = 'live-article';
        article.setAttribute('data-position', String(position));
        article.setAttribute('aria-busy', 'true');
        var heading = document.createElement('h3');
        heading.textContent = label(region, position, w.attempt);
        var text = document.createElement('pre');
        text.className = 'live-text';
        text.tabIndex = 0;
        text.textContent = w.text;
        article.appendChild(heading);
        article.appendChild(text);
        region.appendChild(article);
        w.el = text;
      });
      region.hidden = positions.length === 0;
    }
    function drop(position) {
      if (!writing[position]) return;
      delete writing[position];
      render();
    }
    return {
      delta: function (d) {
        var w = writing[d.position];
        if (w && d.attempt < w.attempt) return;
        var fresh = !w || d.attempt > w.attempt;
        if (fresh) writing[d.position] = w = { attempt: d.attempt, length: 0, text: '' };
        // Joined late (or missed a delta while reconnecting): the text shown starts with an ellipsis.
        if (d.offset !== w.length) w.text += '… ';
        w.text += d.text;
        w.length = d.offset + d.text.length;
        if (fresh || !w.el || !document.contains(w.el)) render();
        else {
          w.el.textContent = w.text;
          w.el.scrollTop = w.el.scrollHeight;
        }
      },
      attemptFailed: function (d) {
        var w = writing[d.position];
        if (w && d.attempt >= w.attempt) drop(d.position);
      },
      drop: drop,
      render: render
    };
  }

  function liveTask(id) {
    var source = new EventSource('/live/tasks/' + encodeURIComponent(id) + '/events');
    var writing = liveWriting();
    var refresh = refresher(writing.render);
    var data = function (e) { try { return JSON.parse(e.data).data || {}; } catch { return {}; } };
    TASK_EVENTS.forEach(function (type) {
      source.addEventListener(type, function (e) {
        if (FINAL.indexOf(type) >= 0) source.close();
        var position = data(e).position;
        if (typeof position === 'number') writing.drop(position);
        refresh();
      });
    });
    source.addEventListener('article.delta', function (e) { writing.delta(data(e)); });
    source.addEventListener('article.attempt_failed', function (e) { writing.attemptFailed(data(e)); });
  }

  var RUN_FINAL = ['distillation.run.completed', 'distillation.run.failed', 'distillation.run.canceled'];
  var RUN_EVENTS = ['distillation.run.started', 'distillation.keyword.done', 'distillation.keyword.failed'].concat(RUN_FINAL);

  function liveRun(id) {
    var source = new EventSource('/live/distillation-runs/' + encodeURIComponent(id) + '/events');
    var refresh = refresher();
    RUN_EVENTS.forEach(function (type) {
      source.addEventListener(type, function () {
        if (RUN_FINAL.indexOf(type) >= 0) source.close();
        refresh();
      });
    });
  }

  function liveTaskList(ids) {
    var source = new EventSource('/live/tasks?ids=' + encodeURIComponent(ids));
    var refresh = refresher(function (body) {
      // The fresh page lists no running task: nothing more will change.
      if (!body.getAttribute('data-live-tasks')) source.close();
    });
    source.addEventListener('progress', refresh);
  }

  /**
   * As the article count is typed, asks the server how many distillations are available now and shows
   * its answer: the count, and the seed's insufficient-distillations message before the form is sent.
   */
  /** `fn` once typing pauses for `ms`: one request per pause, not one per keystroke. */
  function debounced(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function articleCount() {
    var input = document.getElementById('article-count');
    var available = document.getElementById('available');
    var error = document.getElementById('count-error');
    if (!input || !available || !error) return;
    var url = input.getAttribute('data-check-url');
    var latest = 0;
    input.addEventListener('input', debounced(function () {
      var mine = ++latest;
      fetch(url + '?count=' + encodeURIComponent(input.value.trim()), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (answer) {
          // Only the answer to the latest keystroke counts; an earlier one may arrive after it.
          if (!answer || mine !== latest) return;
          available.textContent = answer.availableText;
          error.hidden = !answer.refusal;
          error.textContent = answer.refusal || '';
          input.setAttribute('aria-invalid', answer.refusal ? 'true' : 'false');
        })
        .catch(function () {});
    }, 200));
  }

  /**
   * A copy button (hidden without script) puts the value of the field, or the text of the element, that
   * its data-copy names on the clipboard; the element `<name>-copied` says whether it worked.
   */
  function copyButtons() {
    document.querySelectorAll('button[data-copy]').forEach(function (button) {
      var name = button.getAttribute('data-copy');
      var source = document.getElementById(name);
      var status = document.getElementById(name + '-copied');
      if (!source) return;
      var isField = source.tagName === 'INPUT' || source.tagName === 'TEXTAREA';
      var say = function (attribute) { if (status && button.getAttribute(attribute)) status.textContent = button.getAttribute(attribute); };
      button.hidden = false;
      button.addEventListener('click', function () {
        if (isField) source.select();
        var text = isField ? source.value : source.textContent;
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(function () { say('data-copied'); }, function () { say('data-copy-failed'); });
        } else if (isField && document.execCommand('copy')) say('data-copied');
        else say('data-copy-failed');
      });
    });
  }

  /** "Select all" (hidden without script) checks or clears every row's box in its form. */
  function pickAll() {
    var all = document.querySelector('input[data-pick-all]');
    var label = document.querySelector('[data-pick-all-label]');
    if (!all || !label || !all.form) return;
    label.hidden = false;
    all.addEventListener('change', function () {
      all.form.querySelectorAll('input[name="ids[]"]').forEach(function (box) { box.checked = all.checked; });
    });
  }

  /** The new-schedule form: a preset fills the cron field, and the next run times follow every change. */
  function schedulePreview() {
    var form = document.getElementById('new-schedule');
    var cron = document.getElementById('cron');
    if (!form || !cron) return;
    var button = document.getElementById('preview-button');
    if (button) button.hidden = true;
    var latest = 0;
    function preview() {
      var mine = ++latest;
      fetch('/schedules/preview', { method: 'POST', credentials: 'same-origin', body: new URLSearchParams(new FormData(form)) })
        .then(function (res) { return res.text(); })
        .then(function (text) {
          if (mine !== latest) return;
          var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('schedule-preview');
          var region = document.getElementById('schedule-preview');
          if (fresh && region) region.innerHTML = fresh.innerHTML;
        })
        .catch(function () {});
    }
    var soon = debounced(preview, 400);
    form.querySelectorAll('input[name="when"]').forEach(function (radio) {
      radio.addEventListener('change', function () {
        if (radio.getAttribute('data-cron')) cron.value = radio.getAttribute('data-cron');
        preview();
      });
    });
    cron.addEventListener('input', function () {
      var custom = form.querySelector('input[name="when"][value="custom"]');
      if (custom) custom.checked = true;
      soon();
    });
    document.getElementById('timezone').addEventListener('input', soon);
    preview();
  }

  /**
   * Tells the server the browser's time zone (artgen_tz_browser) when the reader has chosen none, so the
   * next page shows times in it; a zone chosen on /time-zone (artgen_tz) always wins.
   */
  function browserZone() {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return; }
    if (!zone || /(^|; )artgen_tz=/.test(document.cookie)) return;
    var now = document.cookie.match(/(?:^|; )artgen_tz_browser=([^;]*)/);
    if (now && decodeURIComponent(now[1]) === zone) return;
    document.cookie = 'artgen_tz_browser=' + encodeURIComponent(zone) + '; path=/; max-age=31536000; samesite=lax' + (location.protocol === 'https:' ? '; secure' : '');
  }

  browserZone();

  document.addEventListener('DOMContentLoaded', function () {
    var body = document.body;
    if (body.getAttribute('data-live-task')) liveTask(body.getAttribute('data-live-task'));
    if (body.getAttribute('data-live-tasks')) liveTaskList(body.getAttribute('data-live-tasks'));
    if (body.getAttribute('data-live-run')) liveRun(body.getAttribute('data-live-run'));
    articleCount();
    copyButtons();
    pickAll();
    schedulePreview();
  });
})();
