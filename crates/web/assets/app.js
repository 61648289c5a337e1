// Keyboard shortcuts and small conveniences. No inline scripts anywhere:
// the Content-Security-Policy forbids them.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    // "/" focuses the page's search box, as in the tools people know.
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey) {
      var search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
      }
    }
  });
  // The search box's results: arrow keys move, Enter opens, Escape closes.
  document.addEventListener("keydown", function (event) {
    var box = event.target;
    if (!box || !box.matches || !box.matches("[data-search], [data-search-pick]")) return;
    var results = document.getElementById(box.getAttribute("aria-controls"));
    if (!results) return;
    var hits = Array.prototype.slice.call(results.querySelectorAll(".search-hit"));
    var current = hits.findIndex(function (h) { return h.classList.contains("is-active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!hits.length) return;
      event.preventDefault();
      var next = event.key === "ArrowDown" ? Math.min(current + 1, hits.length - 1) : Math.max(current - 1, 0);
      hits.forEach(function (h) { h.classList.remove("is-active"); h.removeAttribute("aria-selected"); });
      hits[next].classList.add("is-active");
      hits[next].setAttribute("aria-selected", "true");
      hits[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      var target = hits[current >= 0 ? current : 0];
      if (target) {
        event.preventDefault();
        if (!pick(target)) window.location.href = target.getAttribute("href");
      }
    } else if (event.key === "Escape") {
      results.innerHTML = "";
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = document.querySelector("[aria-controls='" + event.target.id + "']");
    if (box) box.setAttribute("aria-expanded", event.target.children.length ? "true" : "false");
  });

  // In a picker, choosing a result fills the form instead of opening it.
  function pick(hit) {
    var id = hit.getAttribute("data-pick-id");
    var field = id && document.getElementById(hit.getAttribute("data-pick-target"));
    if (!field) return false;
    field.value = id;
    var results = hit.closest(".search-results");
    var box = results && document.querySelector("[aria-controls='" + results.id + "']");
    if (box) {
      box.value = hit.getAttribute("data-pick-name");
      box.setAttribute("aria-expanded", "false");
    }
    if (results) results.innerHTML = "";
    return true;
  }
  document.addEventListener("click", function (event) {
    var hit = event.target.closest && event.target.closest("[data-pick-id]");
    if (hit && pick(hit)) event.preventDefault();
  });

  // Table rows open their record on click; j/k move between rows, Enter opens.
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a, button, input, select, label, td.check")) {
      window.location.href = row.getAttribute("data-href");
    }
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
    if (!rows.length) return;
    var current = rows.findIndex(function (r) { return r.classList.contains("is-active"); });
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(current + 1, rows.length - 1) : Math.max(current - 1, 0);
      rows.forEach(function (r) { r.classList.remove("is-active"); });
      rows[next].classList.add("is-active");
      rows[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && current >= 0) {
      window.location.href = rows[current].getAttribute("data-href");
    }
  });

  // Page shortcuts: an element with data-shortcut="t" is clicked by "t"
  // (the agenda: t today, p/n previous/next, d/w/m day/week/month, c new).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable)) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.key.length !== 1) return;
    var element = document.querySelector("[data-shortcut='" + event.key + "']");
    if (element) {
      event.preventDefault();
      element.click();
    }
  });

  // Select a freshly created secret so it can be copied at once.
  document.addEventListener("DOMContentLoaded", function () {
    var secret = document.getElementById("new-token") || document.getElementById("feed-url");
    if (secret && window.getSelection) {
      var range = document.createRange();
      range.selectNodeContents(secret);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
  });

  // Plain forms that change much at once ask first (htmx forms use
  // hx-confirm); in a form of several actions, the button pressed asks.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A form that saves another form's fields (the engine's segment)
    // takes them as they stand now, not as they were when the page came.
    Array.prototype.forEach.call(form.querySelectorAll("input[data-form-fields]"), function (input) {
      var source = document.getElementById(input.getAttribute("data-form-fields"));
      if (!source) { return; }
      var fields = new URLSearchParams();
      new FormData(source).forEach(function (value, name) {
        if (value !== "") { fields.append(name, value); }
      });
      input.value = fields.toString();
    });
  });
})();

// Bulk selection: "all on this page", shift-click for a range, and the
// count of chosen rows next to the actions.
(function () {
  function boxes(form) { return Array.prototype.slice.call(form.querySelectorAll('input[name="item"]')); }
  function recount(form) {
    var chosen = boxes(form).filter(function (b) { return b.checked; }).length;
    var label = form.querySelector("[data-bulk-count]");
    if (label) {
      label.textContent = chosen === 0 ? label.getAttribute("data-none") : label.getAttribute("data-some").replace("%n", chosen);
    }
    var all = form.querySelector("[data-check-all]");
    if (all) { all.checked = chosen > 0 && chosen === boxes(form).length; all.indeterminate = chosen > 0 && chosen < boxes(form).length; }
    if (form.querySelector(".bulk-actions")) form.classList.toggle("bulk-idle", chosen === 0);
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-bulk]").forEach(recount);
  });
  var last = null;
  document.addEventListener("click", function (event) {
    var box = event.target;
    var form = box.closest && box.closest("form[data-bulk]");
    if (!form || box.type !== "checkbox") return;
    if (box.hasAttribute("data-check-all")) {
      boxes(form).forEach(function (b) { b.checked = box.checked; });
    } else if (box.name === "item") {
      var list = boxes(form);
      if (event.shiftKey && last && list.indexOf(last) >= 0) {
        var from = list.indexOf(last), to = list.indexOf(box);
        list.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (b) { b.checked = box.checked; });
      }
      last = box;
    }
    recount(form);
  });
})();

// Rows worked by the keyboard (the engine's grid, as in SetaERP): the
// space bar checks the focused row, arrows move between rows, Enter
// opens the row's customer, F9 its details (to call and record an occurrence).
(function () {
  document.addEventListener("keydown", function (event) {
    var row = event.target;
    if (!row.matches || !row.matches("table[data-row-keys] tbody tr")) return;
    if (event.key === " ") {
      var box = row.querySelector('input[name="item"]');
      if (box) { event.preventDefault(); box.click(); }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      var next = event.key === "ArrowDown" ? row.nextElementSibling : row.previousElementSibling;
      if (next) { event.preventDefault(); next.focus(); }
    } else if (event.key === "Enter") {
      var link = row.querySelector("a[href]");
      if (link) { event.preventDefault(); link.click(); }
    } else if (event.key === "F9") {
      var detail = row.querySelector("a[data-row-detail]");
      if (detail) { event.preventDefault(); detail.click(); }
    }
  });
})();

// Toasts leave by themselves after a while, but not while the pointer or
// the keyboard is on them; × closes one at once.
(function () {
  function leave(toast) {
    toast.classList.add("is-leaving");
    setTimeout(function () { if (toast.parentNode) toast.parentNode.removeChild(toast); }, 300);
  }
  function arm(toast) {
    if (toast.getAttribute("data-armed")) return;
    toast.setAttribute("data-armed", "1");
    var timer = null;
    function start() { timer = setTimeout(function () { leave(toast); }, 8000); }
    function stop() { clearTimeout(timer); }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("mouseleave", start);
    start();
  }
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-toast-close]");
    if (close) leave(close.closest("[data-toast]"));
  });
  function armAll() { document.querySelectorAll("[data-toast]").forEach(arm); }
  document.addEventListener("DOMContentLoaded", armAll);
  document.addEventListener("htmx:afterSettle", armAll);
})();

// The command menu: Ctrl+K (⌘K) on every page, or "/" where the page has
// no search box. Screens and actions filter as you type; customers come
// from the search. Arrows move, Enter opens, Escape closes.
(function () {
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function menu() { return document.getElementById("command-menu"); }
  function items() {
    var dialog = menu();
    return Array.prototype.slice.call(dialog.querySelectorAll("[data-command], #command-customers .search-hit, #command-customers .search-all"))
      .filter(function (item) { return !item.hidden; });
  }
  function activate(list, index) {
    menu().querySelectorAll(".is-active").forEach(function (item) { item.classList.remove("is-active"); });
    list.forEach(function (item, i) {
      item.classList.toggle("is-active", i === index);
      if (i === index) { item.setAttribute("aria-selected", "true"); item.scrollIntoView({ block: "nearest" }); }
      else item.removeAttribute("aria-selected");
    });
  }
  function filter() {
    var dialog = menu();
    var typed = fold(dialog.querySelector("[data-command-input]").value.trim());
    dialog.querySelectorAll("[data-command]").forEach(function (item) {
      item.hidden = typed !== "" && fold(item.textContent).indexOf(typed) < 0;
    });
    // A group whose entries are all filtered out loses its title too.
    dialog.querySelectorAll(".command-group:not([data-command-customers-title])").forEach(function (title) {
      var shown = false;
      for (var next = title.nextElementSibling; next && !next.classList.contains("command-group"); next = next.nextElementSibling) {
        if (next.hasAttribute("data-command") && !next.hidden) shown = true;
      }
      title.hidden = !shown;
    });
    dialog.querySelector("[data-command-customers-title]").hidden = typed === "";
    if (typed === "") dialog.querySelector("#command-customers").innerHTML = "";
    activate(items(), 0);
  }
  function open() {
    var dialog = menu();
    if (!dialog || dialog.open) return;
    var input = dialog.querySelector("[data-command-input]");
    input.value = "";
    filter();
    dialog.showModal();
    input.focus();
  }
  document.addEventListener("keydown", function (event) {
    var dialog = menu();
    if (!dialog) return;
    var typing = event.target && (event.target.tagName === "INPUT" || event.target.tagName === "TEXTAREA" ||
      event.target.tagName === "SELECT" || event.target.isContentEditable);
    if ((event.ctrlKey || event.metaKey) && (event.key === "k" || event.key === "K")) {
      event.preventDefault();
      open();
    } else if (event.key === "/" && !typing && !document.querySelector("main [data-search]")) {
      event.preventDefault();
      open();
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-command-input]")) filter();
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "command-customers") activate(items(), 0);
  });
  document.addEventListener("keydown", function (event) {
    if (!event.target.matches || !event.target.matches("[data-command-input]")) return;
    var list = items();
    var current = list.findIndex(function (item) { return item.classList.contains("is-active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!list.length) return;
      activate(list, event.key === "ArrowDown" ? Math.min(current + 1, list.length - 1) : Math.max(current - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      var chosen = list[current >= 0 ? current : 0];
      if (chosen) window.location.href = chosen.getAttribute("href");
    }
  });
  // A click outside the box (on the backdrop) closes it.
  document.addEventListener("click", function (event) {
    var dialog = menu();
    if (dialog && event.target === dialog) dialog.close();
  });
})();

// The menu button of small screens opens and closes the navigation.
(function () {
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (!toggle) return;
    var nav = document.getElementById(toggle.getAttribute("aria-controls"));
    var open = nav.classList.toggle("is-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
})();

// Input masks as you type: CPF/CNPJ, Brazilian phones and postal codes take
// their punctuation when the digits say which they are (a 9-digit NIF or a
// "+351" number is left alone). The server stays the judge.
(function () {
  function digits(value) { return value.replace(/\D/g, ""); }
  function maskDocument(value) {
    if (/[a-z]/i.test(value)) return value;
    var d = digits(value);
    if (d.length >= 10 && d.length <= 11) {
      return d.slice(0, 3) + "." + d.slice(3, 6) + "." + d.slice(6, 9) + "-" + d.slice(9);
    }
    if (d.length >= 12 && d.length <= 14) {
      return d.slice(0, 2) + "." + d.slice(2, 5) + "." + d.slice(5, 8) + "/" + d.slice(8, 12) + "-" + d.slice(12);
    }
    return value;
  }
  function maskPhone(value) {
    if (value.trim().charAt(0) === "+") return value;
    var d = digits(value);
    if (d.length === 11) return "(" + d.slice(0, 2) + ") " + d.slice(2, 7) + "-" + d.slice(7);
    if (d.length === 10) return "(" + d.slice(0, 2) + ") " + d.slice(2, 6) + "-" + d.slice(6);
    return value;
  }
  function maskPostal(value) {
    var d = digits(value);
    if (d.length === 8) return d.slice(0, 5) + "-" + d.slice(5);
    if (d.length === 7 && !/^\d{5}-/.test(value)) return d.slice(0, 4) + "-" + d.slice(4);
    return value;
  }
  var masks = { document: maskDocument, phone1: maskPhone, phone2: maskPhone, postal_code: maskPostal };
  document.addEventListener("input", function (event) {
    var field = event.target;
    var mask = field && field.form && field.form.id === "party-form" && masks[field.id];
    if (!mask) return;
    // Only while typing at the end: an edit in the middle keeps its caret.
    if (field.selectionStart !== field.value.length) return;
    var masked = mask(field.value);
    if (masked !== field.value) field.value = masked;
  });
})();

// The theme button switches to the opposite of what the screen shows: on
// a device that is dark while the user follows it, that is light.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-theme-toggle]");
    if (!toggle) return;
    var chosen = document.documentElement.getAttribute("data-theme");
    var dark = chosen === "dark" ||
      (chosen === "system" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    toggle.value = dark ? "light" : "dark";
  });
})();

// Menus and popovers (the administration menu, the column chooser) close
// on a click elsewhere or on Escape, as a menu does.
(function () {
  var MENUS = "[data-nav-group], details.popover";
  function closeAll(except) {
    document.querySelectorAll("[data-nav-group][open], details.popover[open]").forEach(function (group) {
      if (group !== except) group.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeAll(event.target.closest ? event.target.closest(MENUS) : null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("[data-nav-group][open], details.popover[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });
})();

// The agenda grid: drag an appointment to move it (to another time or
// day), its lower edge to change its end; on a focused appointment
// Alt+↑/↓ moves it a quarter hour, Alt+←/→ a day, Alt+Shift+↑/↓ changes
// its end. Each change is sent as the versioned reschedule and the page
// reloads showing what the server kept, with "desfazer" (or why it was
// refused: someone changed it meanwhile, it is out of reach).
(function () {
  var FOCUS_KEY = "vinculo-agenda-focus";
  var QUARTER = 15;
  var DAY = 24 * 60;
  // Local times as the form writes them, counted in minutes on the wall clock.
  function minutes(text) {
    return Date.UTC(+text.slice(0, 4), +text.slice(5, 7) - 1, +text.slice(8, 10),
      +text.slice(11, 13), +text.slice(14, 16)) / 60000;
  }
  function local(count) { return new Date(count * 60000).toISOString().slice(0, 16); }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["x-csrf-token"]; } catch (e) { return ""; }
  }
  function numberIn(element, prefix) {
    var found = Array.prototype.find.call(element.classList, function (c) {
      return c.indexOf(prefix) === 0 && /^\d+$/.test(c.slice(prefix.length));
    });
    return found ? +found.slice(prefix.length) : 1;
  }
  function setNumber(element, prefix, value) {
    element.classList.remove(prefix + numberIn(element, prefix));
    element.classList.add(prefix + value);
  }
  function send(event, starts, ends) {
    var grid = event.closest("#agenda-grid");
    if (event.hasAttribute("data-recurring") && !window.confirm(grid.getAttribute("data-series-confirm"))) {
      window.location.reload();
      return;
    }
    var body = new URLSearchParams();
    body.set("csrf_token", csrf());
    body.set("version", event.getAttribute("data-version"));
    body.set("occurrence", event.getAttribute("data-occurrence"));
    body.set("starts_at", local(starts));
    body.set("ends_at", local(ends));
    body.set("back", window.location.pathname + window.location.search);
    event.classList.add("is-saving");
    try { sessionStorage.setItem(FOCUS_KEY, event.getAttribute("data-id")); } catch (e) { /* private mode */ }
    var reload = function () { window.location.reload(); };
    fetch("/appointments/" + event.getAttribute("data-id") + "/move",
      { method: "POST", body: body, credentials: "same-origin", redirect: "manual" }).then(reload, reload);
  }

  var drag = null;
  var swallowClick = false;
  document.addEventListener("dragstart", function (e) {
    if (e.target.closest && e.target.closest(".grid-event")) e.preventDefault();
  });
  document.addEventListener("pointerdown", function (e) {
    var event = e.target.closest && e.target.closest(".grid-event[data-movable]");
    if (!event || e.button !== 0) return;
    // Else the browser starts dragging the link itself and cancels ours.
    e.preventDefault();
    var column = event.parentNode;
    drag = {
      event: event, column: column, resize: !!e.target.closest(".grid-resize"), x: e.clientX, y: e.clientY,
      moved: false, row: numberIn(event, "r-"), span: numberIn(event, "s-"),
      rows: +column.getAttribute("data-rows"), rowHeight: column.getBoundingClientRect().height / +column.getAttribute("data-rows")
    };
  });
  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved) {
      if (Math.abs(dx) + Math.abs(dy) < 5) return;
      drag.moved = true;
      drag.event.classList.add("is-dragging");
      try { drag.event.setPointerCapture(e.pointerId); } catch (err) { /* pointer gone */ }
    }
    var rowsMoved = Math.round(dy / drag.rowHeight);
    if (drag.resize) {
      drag.newSpan = Math.max(1, Math.min(drag.span + rowsMoved, drag.rows - drag.row + 1));
      setNumber(drag.event, "s-", drag.newSpan);
      return;
    }
    var under = document.elementsFromPoint(e.clientX, e.clientY).find(function (el) {
      return el.classList && el.classList.contains("time-column");
    });
    if (under && under !== drag.event.parentNode) under.appendChild(drag.event);
    drag.newRow = Math.max(1, Math.min(drag.row + rowsMoved, drag.rows - drag.span + 1));
    setNumber(drag.event, "r-", drag.newRow);
  });
  function finish() {
    var done = drag;
    drag = null;
    if (!done || !done.moved) return;
    swallowClick = true;
    var event = done.event;
    var starts = minutes(event.getAttribute("data-starts"));
    var ends = minutes(event.getAttribute("data-ends"));
    if (done.resize) {
      var longer = ((done.newSpan || done.span) - done.span) * QUARTER;
      if (longer) send(event, starts, Math.max(starts + QUARTER, ends + longer));
      return;
    }
    var days = (Date.parse(event.parentNode.getAttribute("data-date")) -
      Date.parse(done.column.getAttribute("data-date"))) / 86400000;
    var shift = days * DAY + ((done.newRow || done.row) - done.row) * QUARTER;
    if (shift) send(event, starts + shift, ends + shift);
    else event.classList.remove("is-dragging");
  }
  document.addEventListener("pointerup", finish);
  document.addEventListener("pointercancel", function () { if (drag) window.location.reload(); drag = null; });
  document.addEventListener("click", function (e) {
    if (swallowClick && e.target.closest && e.target.closest(".grid-event")) e.preventDefault();
    swallowClick = false;
  }, true);

  document.addEventListener("keydown", function (e) {
    var event = e.target.closest && e.target.closest(".grid-event[data-movable]");
    if (!event || !e.altKey || e.ctrlKey || e.metaKey) return;
    var starts = minutes(event.getAttribute("data-starts"));
    var ends = minutes(event.getAttribute("data-ends"));
    var step = { ArrowUp: -QUARTER, ArrowDown: QUARTER, ArrowLeft: -DAY, ArrowRight: DAY }[e.key];
    if (!step) return;
    e.preventDefault();
    if (e.shiftKey) {
      if (Math.abs(step) !== QUARTER || ends + step <= starts) return;
      send(event, starts, ends + step);
    } else {
      send(event, starts + step, ends + step);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var id = null;
    try { id = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { /* private mode */ }
    var event = id && document.querySelector(".grid-event[data-id='" + id + "']");
    if (event) event.focus();
  });
})();

// A "print" button prints the page (a batch of letters).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) window.print();
  });
})();

// The prospects' board: drag a card to another stage's column, or press
// Alt+←/→ on a focused card for the stage before or after. Either way the
// card's own form (the route a keyboard or a page without script takes)
// is sent with the new stage; the board comes back with what the server
// kept, and "desfazer".
(function () {
  var FOCUS_KEY = "vinculo-board-focus";
  function send(card, stage) {
    var form = card.querySelector("form.board-move");
    var select = form && form.querySelector("select[name=stage]");
    if (!select || stage === card.getAttribute("data-stage")) return false;
    select.value = stage;
    try { sessionStorage.setItem(FOCUS_KEY, card.getAttribute("data-id")); } catch (e) { /* private mode */ }
    card.classList.add("is-saving");
    form.submit();
    return true;
  }
  function columnAt(x, y) {
    return document.elementsFromPoint(x, y).find(function (el) {
      return el.classList && el.classList.contains("board-column");
    });
  }
  function mark(column) {
    document.querySelectorAll(".board-column.is-target").forEach(function (c) {
      if (c !== column) c.classList.remove("is-target");
    });
    if (column) column.classList.add("is-target");
  }

  var drag = null;
  document.addEventListener("pointerdown", function (e) {
    var card = e.target.closest && e.target.closest("[data-card]");
    if (!card || e.button !== 0 || e.target.closest("a, select, button, input")) return;
    e.preventDefault();
    drag = { card: card, x: e.clientX, y: e.clientY, moved: false };
  });
  document.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved) {
      if (Math.abs(dx) + Math.abs(dy) < 5) return;
      drag.moved = true;
      drag.card.classList.add("is-dragging");
    }
    drag.card.style.transform = "translate(" + dx + "px, " + dy + "px)";
    var column = columnAt(e.clientX, e.clientY);
    mark(column && column.getAttribute("data-stage") !== drag.card.getAttribute("data-stage") ? column : null);
  });
  document.addEventListener("pointerup", function (e) {
    var done = drag;
    drag = null;
    if (!done || !done.moved) return;
    var column = columnAt(e.clientX, e.clientY);
    mark(null);
    if (!column || !send(done.card, column.getAttribute("data-stage"))) {
      done.card.classList.remove("is-dragging");
      done.card.style.transform = "";
    }
  });
  document.addEventListener("pointercancel", function () {
    if (drag) { drag.card.classList.remove("is-dragging"); drag.card.style.transform = ""; }
    drag = null;
    mark(null);
  });

  document.addEventListener("keydown", function (e) {
    var card = e.target.matches && e.target.matches("[data-card]") ? e.target : null;
    if (!card || !e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var step = { ArrowLeft: -1, ArrowRight: 1 }[e.key];
    if (!step) return;
    var stages = Array.prototype.map.call(document.querySelectorAll(".board-column"), function (c) {
      return c.getAttribute("data-stage");
    });
    var next = stages[stages.indexOf(card.getAttribute("data-stage")) + step];
    if (!next) return;
    e.preventDefault();
    send(card, next);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var id = null;
    try { id = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { /* private mode */ }
    var card = id && document.querySelector("[data-card][data-id='" + id + "']");
    if (card) card.focus();
  });
})();
