/* jixiao serve — keeps the document frame up to date from /events, lays the
 * check notes beside the rows they concern, and shows spec problems in place
 * of the document until they are fixed.
 *
 * Messages (JSON, one per server-sent event "update"):
 *   {type: "document", version, full, title, head, body, fragments: {key: html},
 *    notes: {key: [note]}, keys, tables, general, counts, seconds}
 *   {type: "problems", version, problems: [problem], message, seconds}
 * The document's markup comes from jixiao's renderer (every text escaped) and
 * goes into the frame, which runs no scripts; every other text from the server
 * goes in through textContent, never as markup.
 */
(() => {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const frame = $("jx-doc");
  const LEVELS = ["error", "warning", "info"];
  const LEVEL_NAMES = { error: "错误", warning: "警告", info: "提示" };

  let notes = {}; // fragment key -> notes of that table
  let tables = []; // sidebar entries of the shown version
  let current = null; // number of the table in view
  let source = null;
  let queue = Promise.resolve();

  const frameCss = fetch("/_jx/frame.css").then((r) => r.text()).catch(() => "");

  function make(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined && text !== null) el.textContent = text;
    return el;
  }

  function status(text, bad) {
    const el = $("jx-status");
    el.textContent = text;
    el.classList.toggle("jx-bad", Boolean(bad));
  }

  /* Copying a place: the full path, so that an editor can open it. */
  async function copy(text, button) {
    let done = false;
    try {
      await navigator.clipboard.writeText(text);
      done = true;
    } catch (_) {
      const area = make("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        done = document.execCommand("copy");
      } catch (_e) {
        done = false;
      }
      area.remove();
    }
    if (done) {
      button.setAttribute("data-copied", "");
      setTimeout(() => button.removeAttribute("data-copied"), 1500);
    } else {
      status("无法复制，请手动选中：" + text, true);
    }
  }

  function whereButton(doc, item, className) {
    const button = doc.createElement("button");
    button.type = "button";
    button.className = className;
    button.textContent = item.where;
    button.title = "点击复制：" + item.copy;
    button.dataset.copy = item.copy;
    button.addEventListener("click", () => copy(item.copy, button));
    return button;
  }

  /* ---- the frame ---- */

  function frameReady() {
    return new Promise((resolve) => {
      const doc = frame.contentDocument;
      if (doc && doc.readyState === "complete" && doc.documentElement.dataset.jxVersion !== undefined) {
        resolve();
      } else {
        frame.addEventListener("load", () => resolve(), { once: true });
      }
    });
  }

  async function dressFrame() {
    const doc = frame.contentDocument;
    if (!doc || !doc.head) return;
    let style = doc.getElementById("jx-serve-style");
    if (!style) {
      style = doc.createElement("style");
      style.id = "jx-serve-style";
      style.textContent = await frameCss;
      doc.head.appendChild(style);
    }
  }

  function fragment(doc, key) {
    return doc.querySelector('[data-jx-frag="' + CSS.escape(key) + '"]');
  }

  function noteElement(doc, note, row) {
    const el = doc.createElement("div");
    el.className = "jx-serve-note jx-serve-" + note.level;
    if (note.row !== null) el.dataset.row = String(note.row);
    const head = doc.createElement("span");
    head.className = "jx-serve-head";
    const level = doc.createElement("span");
    level.className = "jx-serve-level";
    level.textContent = note.label + " " + note.rule;
    head.appendChild(level);
    const place = [note.row !== null ? "第 " + note.row + " 行" : null, note.field].filter(Boolean).join(" · ");
    if (place) head.appendChild(doc.createTextNode(" " + place));
    const message = doc.createElement("span");
    message.className = "jx-serve-msg";
    message.textContent = note.message;
    el.append(head, message);
    if (note.hint) {
      const hint = doc.createElement("span");
      hint.className = "jx-serve-hint";
      hint.textContent = note.hint;
      el.appendChild(hint);
    }
    el.appendChild(whereButton(doc, note, "jx-serve-where"));
    if (row) {
      const hover = (on) => () => {
        row.classList.toggle("jx-serve-hover", on);
        el.classList.toggle("jx-serve-hover", on);
      };
      el.addEventListener("mouseenter", hover(true));
      el.addEventListener("mouseleave", hover(false));
    }
    return el;
  }

  /* Notes of the table fragments *keys*, each beside its row (stacked where rows are close).
     Positions are read in one go and written in one go, so the frame lays out only twice. */
  function placeNotes(keys) {
    const doc = frame.contentDocument;
    if (!doc) return;
    const jobs = [];
    for (const key of keys) {
      const section = fragment(doc, key);
      if (!section) continue;
      section.querySelectorAll(".jx-serve-notes").forEach((el) => el.remove());
      section.querySelectorAll("tr.jx-serve-flag").forEach((row) => {
        row.classList.remove("jx-serve-flag", "jx-serve-error", "jx-serve-warning", "jx-serve-info");
      });
      const list = notes[key] || [];
      section.style.minHeight = "";
      if (!list.length) continue;
      const rows = list.map((note) => note.row === null ? null
        : section.querySelector('table[data-grid$="-indicators"] tr[data-row="' + note.row + '"]'));
      jobs.push({ section, list, rows });
    }
    for (const job of jobs) {
      const top = job.section.getBoundingClientRect().top;
      job.wants = job.rows.map((row) => row ? row.getBoundingClientRect().top - top : 0);
    }
    for (const job of jobs) {
      const box = doc.createElement("aside");
      box.className = "jx-serve-notes";
      box.setAttribute("aria-label", "检查结果");
      job.els = job.list.map((note, i) => {
        const row = job.rows[i];
        if (row) {
          const worst = LEVELS.find((l) => l === note.level || row.classList.contains("jx-serve-" + l));
          row.classList.remove("jx-serve-error", "jx-serve-warning", "jx-serve-info");
          row.classList.add("jx-serve-flag", "jx-serve-" + worst);
        }
        return box.appendChild(noteElement(doc, note, row));
      });
      job.section.appendChild(box);
    }
    for (const job of jobs) job.heights = job.els.map((el) => el.offsetHeight);
    for (const job of jobs) {
      let bottom = 0;
      job.els.forEach((el, i) => {
        const at = Math.max(job.wants[i], bottom);
        el.style.top = at + "px";
        bottom = at + job.heights[i] + 4;
      });
      // Notes longer than their table push the next table down rather than run into its notes.
      job.section.style.minHeight = bottom + "px";
    }
  }

  function placeAllNotes() {
    placeNotes(Object.keys(notes));
  }

  /* ---- sidebar, toolbar ---- */

  function badges(counts) {
    const out = [];
    for (const level of LEVELS) {
      if (counts[level]) {
        const badge = make("span", "jx-badge jx-" + level, String(counts[level]));
        badge.title = LEVEL_NAMES[level] + " " + counts[level] + " 条";
        out.push(badge);
      }
    }
    return out;
  }

  function showTables(msg) {
    tables = msg.tables;
    const list = $("jx-tables");
    list.replaceChildren(...tables.map((t) => {
      const item = make("li");
      const link = make("a");
      link.href = "#table-" + t.number;
      link.dataset.number = String(t.number);
      link.append(make("span", "jx-name", t.heading), ...badges(t.counts));
      link.title = t.heading;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const doc = frame.contentDocument;
        const target = doc.getElementById("table-" + t.number) || fragment(doc, t.key);
        if (target) target.scrollIntoView({ block: "start" });
        setCurrent(t.number);
      });
      item.appendChild(link);
      return item;
    }));
    const counts = $("jx-counts");
    counts.replaceChildren(...LEVELS.map((level) => make("span", "jx-level jx-" + level,
      LEVEL_NAMES[level] + " " + msg.counts[level])));
    const general = $("jx-general");
    general.hidden = !msg.general.length;
    $("jx-general-list").replaceChildren(...msg.general.map((f) => {
      const item = make("li", "jx-" + f.level);
      item.append(make("span", "jx-level jx-" + f.level, f.label + " " + f.rule), " ", make("span", null, f.message));
      if (f.hint) item.append(make("div", "jx-hint", f.hint));
      item.append(whereButton(document, f, "jx-where"));
      return item;
    }));
    if (!tables.some((t) => t.number === current)) current = null;
    setCurrent(current === null && tables.length ? tables[0].number : current);
  }

  function setCurrent(number) {
    current = number;
    const pdf = $("jx-pdf");
    pdf.hidden = number === null || !$("jx-problems").hidden;
    if (number !== null) {
      pdf.href = "/table/" + number + ".pdf";
      pdf.textContent = "第 " + number + " 表的 PDF";
    }
    for (const link of $("jx-tables").querySelectorAll("a")) {
      const on = link.dataset.number === String(number);
      link.classList.toggle("jx-current", on);
      if (on) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
    }
  }

  let pending = false;
  function followScroll() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const doc = frame.contentDocument;
      if (!doc) return;
      // The table whose top has passed the top of the frame; at the very end of the
      // document, the last table that is in view (it may never reach the top).
      const win = frame.contentWindow;
      const atEnd = win.scrollY + win.innerHeight >= doc.documentElement.scrollHeight - 2;
      const line = atEnd ? win.innerHeight : 80;
      let seen = null;
      for (const t of tables) {
        const el = fragment(doc, t.key);
        if (el && el.getBoundingClientRect().top <= line) seen = t.number;
      }
      if (seen === null && tables.length) seen = tables[0].number;
      if (seen !== current) setCurrent(seen);
    });
  }

  /* ---- messages ---- */

  function showProblems(msg) {
    document.body.classList.add("jx-failed");
    frame.hidden = true;
    $("jx-problems").hidden = false;
    $("jx-pdf").hidden = true;
    const count = msg.problems.length;
    $("jx-problems-heading").textContent = count ? "规格有 " + count + " 个问题" : "无法生成预览";
    const message = $("jx-problems-message");
    message.hidden = !msg.message;
    message.textContent = msg.message || "";
    $("jx-problems-list").replaceChildren(...msg.problems.map((p) => {
      const item = make("li", "jx-problem jx-" + p.level);
      item.append(whereButton(document, p, "jx-where"), make("span", "jx-level", p.label));
      item.append(make("p", "jx-msg", p.message));
      if (p.source !== null) {
        const code = make("pre", "jx-source");
        const chars = Array.from(p.source);
        const at = Math.max(0, Math.min(p.col - 1, chars.length));
        code.append(chars.slice(0, at).join(""));
        code.append(make("mark", null, chars[at] === undefined ? " " : chars[at]));
        code.append(chars.slice(at + 1).join(""));
        item.append(code);
      }
      if (p.hint) item.append(make("p", "jx-hint", "提示：" + p.hint));
      return item;
    }));
    status(new Date().toLocaleTimeString("zh-CN", { hour12: false }) + " 规格有问题", true);
  }

  function showDocument(msg) {
    const doc = frame.contentDocument;
    const root = doc.documentElement;
    const y = frame.contentWindow.scrollY;
    if (msg.full) {
      if (root.dataset.jxVersion !== String(msg.version)) {
        // Parsed by the frame's document, under the frame's own rules (its inline styles allowed).
        root.innerHTML = "<head>" + msg.head + "</head>" + msg.body;
        frame.contentWindow.scrollTo(0, y);
      }
      notes = {};
    } else {
      if (msg.head !== null) doc.head.innerHTML = msg.head;
      for (const [key, html] of Object.entries(msg.fragments)) {
        const old = fragment(doc, key);
        if (!old) return resync();
        old.outerHTML = html;
        if (!fragment(doc, key)) return resync();
      }
    }
    Object.assign(notes, msg.notes);
    for (const key of Object.keys(notes)) {
      if (!msg.keys.includes(key)) delete notes[key];
    }
    root.dataset.jxVersion = String(msg.version);
    document.body.classList.remove("jx-failed");
    frame.hidden = false;
    $("jx-problems").hidden = true;
    document.title = msg.title + " — jixiao 预览";
    $("jx-title").textContent = msg.title;
    showTables(msg);
    const touched = msg.full || msg.head !== null ? Object.keys(notes)
      : [...new Set([...Object.keys(msg.notes), ...Object.keys(msg.fragments)])];
    return dressFrame().then(() => {
      placeNotes(touched);
      const time = new Date().toLocaleTimeString("zh-CN", { hour12: false });
      status(time + " 已更新（生成 " + msg.seconds.toFixed(2) + " 秒）");
      document.body.dataset.version = String(msg.version);
    });
  }

  function apply(msg) {
    return msg.type === "problems" ? showProblems(msg) : showDocument(msg);
  }

  /* The frame does not hold what the server thinks it does: start over with a full message. */
  function resync() {
    if (source) source.close();
    connect();
  }

  function connect() {
    source = new EventSource("/events");
    source.addEventListener("update", (event) => {
      const msg = JSON.parse(event.data);
      queue = queue.then(frameReady).then(() => apply(msg)).catch((error) => {
        status("更新网页时出错：" + error, true);
      });
    });
    source.addEventListener("open", () => status("已连接"));
    source.addEventListener("error", () => {
      status("与 jixiao serve 的连接已断开，正在重连…（jixiao serve 还在运行吗？）", true);
    });
  }

  function frameLoaded() {
    const win = frame.contentWindow;
    if (win) win.addEventListener("scroll", followScroll, { passive: true });
    dressFrame().then(placeAllNotes);
  }

  frame.addEventListener("load", frameLoaded);
  const early = frame.contentDocument;
  if (early && early.readyState === "complete" && early.documentElement.dataset.jxVersion !== undefined) {
    frameLoaded(); // the frame finished before this script ran
  }
  window.addEventListener("resize", () => placeAllNotes());
  connect();
})();
