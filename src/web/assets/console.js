// The console's progressive enhancement: every page works without it; with it, live pages refresh
// their main region from the server when an event says something changed, and the article count
// says at once when it asks for more than is available.
(function () {
  'use strict';
  var FINAL = ['task.completed', 'task.failed', 'task.canceled', 'task.timeout'];
  var TASK_EVENTS = ['task.started', 'task.retried', 'task.progress', 'article.saved', 'article.failed', 'article.skipped'].concat(FINAL);

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

  function liveTask(id) {
    var source = new EventSource('/live/tasks/' + encodeURIComponent(id) + '/events');
    var refresh = refresher();
    TASK_EVENTS.forEach(function (type) {
      source.addEventListener(type, function () {
        if (FINAL.indexOf(type) >= 0) source.close();
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

  function articleCount() {
    var input = document.getElementById('article-count');
    var error = document.getElementById('count-error');
    if (!input || !error) return;
    var available = Number(input.getAttribute('data-available'));
    input.addEventListener('input', function () {
      var n = Number(input.value);
      var tooMany = n > available;
      error.hidden = !tooMany;
      if (tooMany) error.textContent = input.getAttribute('data-too-many') + ' (' + n + ' > ' + available + ')';
      input.setAttribute('aria-invalid', tooMany ? 'true' : 'false');
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
    var timer = null;
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
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(preview, 400);
    }
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

  document.addEventListener('DOMContentLoaded', function () {
    var body = document.body;
    if (body.getAttribute('data-live-task')) liveTask(body.getAttribute('data-live-task'));
    if (body.getAttribute('data-live-tasks')) liveTaskList(body.getAttribute('data-live-tasks'));
    articleCount();
    schedulePreview();
  });
})();
