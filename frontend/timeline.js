// The roadmap timeline (dist/timeline.js + dist/timeline.css), loaded by templates/roadmap/timeline.html.
//
// Data comes from a JSON <script type="application/json"> block on the page (first paint) and from the JSON URL in
// data-timeline-url (refresh after a save); both have the shape of the API's GET /api/v1/timeline. A drag or resize
// PATCHes {"version", "start", "end"} to data-save-url (the API's PATCH /api/v1/work-items/{id}): 200 keeps
// the move, 409 (someone else saved first) and 422 (the move breaks a rule) put the item back and say why.
//
// No inline styles or scripts (CSP): vis-timeline's "peer" build positions with CSSOM, which the policy allows,
// and the dependency arrows are an SVG overlay drawn from the items' DOM positions on every "changed" event.
import { Timeline } from "vis-timeline/peer";
import { DataSet } from "vis-data/peer";
import moment from "moment";
import "moment/locale/sv";
import "vis-timeline/styles/vis-timeline-graph2d.css";

const CLUSTER_FROM = 1500;
const CAPACITY_LANE = "capacity";
const DAY_MS = 24 * 60 * 60 * 1000;
const SVG_NS = "http://www.w3.org/2000/svg";
const ZOOM_DAYS = { weeks: 42, months: 122, quarters: 365, years: 3 * 365 };
const LOCALES = {
  sv: { current: "nuvarande", time: "tid", deleteSelected: "Ta bort markerade" },
};

// --- dates: whole days, local midnight; our "end" is the last day, vis-timeline's is exclusive -----------------

function pad(n) {
  return String(n).padStart(2, "0");
}

function parseDay(text) {
  const [y, m, d] = text.split("-").map(Number);
  return new Date(y, m - 1, d);
}

function isoDay(value) {
  const d = new Date(value);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function addDays(value, days) {
  const d = new Date(value);
  d.setDate(d.getDate() + days);
  return d;
}

function snapToDay(value) {
  const d = new Date(value);
  const midnight = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  return d - midnight >= DAY_MS / 2 ? addDays(midnight, 1) : midnight;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => (key in values ? values[key] : ""));
}

// --- the roadmap on one page ----------------------------------------------------------------------------------

class Roadmap {
  constructor(root) {
    this.root = root;
    this.msg = (name) => root.getAttribute(`data-msg-${name}`) || "";
    this.lang = document.documentElement.lang || "en";
    this.dateFormat = new Intl.DateTimeFormat(this.lang, { day: "numeric", month: "short", year: "numeric" });
    this.status = document.getElementById("roadmap-status");
    this.items = new DataSet();
    this.groups = new DataSet();
    this.byId = new Map();
    this.dependencies = [];
    this.arrowFrame = 0;
  }

  /** The first data: from the JSON block on the page, or fetched. */
  async start() {
    const block = document.getElementById(this.root.getAttribute("data-timeline-data") || "");
    const data = block ? JSON.parse(block.textContent) : await this.fetchData();
    this.today = parseDay(data.today);
    this.load(data);
    // Ready once vis-timeline has drawn and shown itself (onInitialDrawComplete).
    await new Promise((resolve) => this.build(resolve));
    this.scheduleArrows();
    return this;
  }

  async fetchData() {
    const response = await fetch(this.root.getAttribute("data-timeline-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) throw new Error(`timeline data: HTTP ${response.status}`);
    return response.json();
  }

  /** Put `data` into the DataSets: one update for all items (never one by one). */
  load(data) {
    this.byId = new Map(data.items.map((item) => [item.id, item]));
    this.dependencies = data.dependencies;
    this.groups.update(
      data.lanes.map((lane, index) => ({
        id: lane.id,
        content: lane.label,
        order: index,
        className: lane.unlinked ? "lane lane-unlinked" : "lane",
      })),
    );
    const laneIds = new Set(data.lanes.map((lane) => lane.id));
    // Over-allocation is drawn on the timeline itself: a lane at the top with one bar per team and period whose
    // planned work exceeds its capacity, spelled out in words (readable without colour).
    const over = (data.capacity || []).filter((line) => line.over);
    if (over.length) {
      laneIds.add(CAPACITY_LANE);
      this.groups.update({
        id: CAPACITY_LANE,
        content: this.msg("capacity-lane"),
        order: -1,
        className: "lane lane-capacity",
      });
    }
    this.groups.remove(this.groups.getIds().filter((id) => !laneIds.has(id)));

    const rows = [];
    data.items.forEach((item, index) => {
      const row = this.visItem(item, index);
      if (row) rows.push(row);
    });
    for (const period of data.periods) {
      rows.push({
        id: `period-${period.id}`,
        type: "background",
        start: parseDay(period.start),
        end: addDays(parseDay(period.end), 1),
        content: escapeHtml(period.name),
        className: "period-band",
      });
    }
    over.forEach((line, index) => {
      const days = new Intl.NumberFormat(this.lang, { maximumFractionDigits: 1 });
      const text = format(this.msg("over"), {
        team: line.team_name,
        period: line.period_name,
        load: days.format(line.load),
        capacity: days.format(line.capacity),
      });
      rows.push({
        id: `capacity-${line.team}-${line.period}`,
        group: CAPACITY_LANE,
        type: "range",
        start: parseDay(line.start),
        end: addDays(parseDay(line.end), 1),
        content: text,
        title: escapeHtml(text),
        className: "capacity-over",
        editable: false,
        selectable: false,
        sort: index,
      });
    });
    const keep = new Set(rows.map((row) => row.id));
    this.items.remove(this.items.getIds().filter((id) => !keep.has(id)));
    this.items.update(rows);
  }

  dates(item) {
    const start = this.dateFormat.format(parseDay(item.start));
    if (item.kind === "milestone" || item.start === item.end) return start;
    return `${start} – ${this.dateFormat.format(parseDay(item.end))}`;
  }

  visItem(item, index) {
    if (!item.start && !item.end) return null; // undated work is in the table only
    item.start = item.start || item.end;
    item.end = item.end || item.start;
    const milestone = item.kind === "milestone";
    const classes = ["ns-item", `kind-${item.kind}`, `work-${item.status}`];
    if (item.critical) classes.push("is-critical");
    if (item.conflicts.length) classes.push("has-conflict");
    if (!item.can_change) classes.push("is-readonly");
    const tip = [`<b>${escapeHtml(item.title)}</b>`, escapeHtml(this.dates(item))];
    if (item.critical) tip.push(escapeHtml(this.msg("critical")));
    for (const c of item.conflicts) tip.push(`⚠ ${escapeHtml(c.message)}`);
    if (item.also_serves.length) tip.push(`${escapeHtml(this.msg("also"))}: ${item.also_serves.map(escapeHtml).join(", ")}`);
    if (!item.can_change) tip.push(`<i>${escapeHtml(this.msg("readonly"))}</i>`);
    return {
      id: item.id,
      group: item.lane,
      type: milestone ? "point" : "range",
      start: parseDay(item.start),
      end: milestone ? undefined : addDays(parseDay(item.end), 1),
      content: item.title,
      title: tip.join("<br>"),
      className: classes.join(" "),
      editable: { updateTime: Boolean(item.can_change), updateGroup: false, remove: false },
      sort: index,
    };
  }

  /** Each item's label as DOM (no HTML parsing of titles): the title, and for screen readers its dates and state. */
  template(data) {
    const item = this.byId.get(data.id);
    const label = document.createElement("span");
    label.className = "ns-label";
    if (!item) {
      label.textContent = data.content || "";
      return label;
    }
    if (item.conflicts.length) {
      const icon = document.createElement("span");
      icon.className = "ns-conflict-icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = "!";
      label.append(icon);
    }
    label.append(document.createTextNode(item.title));
    const extra = document.createElement("span");
    extra.className = "visually-hidden";
    const parts = [this.dates(item)];
    if (item.critical) parts.push(this.msg("critical"));
    if (item.conflicts.length) parts.push(`${this.msg("conflict")}: ${item.conflicts.map((c) => c.message).join(" ")}`);
    extra.textContent = `, ${parts.join(", ")}`;
    label.append(extra);
    return label;
  }

  groupTemplate(group) {
    const label = document.createElement("span");
    label.className = "lane-label";
    label.textContent = group ? group.content : "";
    return label;
  }

  initialWindow() {
    // vis-timeline measures every item in view on each draw; on a large roadmap open on the next weeks only.
    const narrow = this.root.clientWidth < 700 || this.items.length >= CLUSTER_FROM;
    return { start: addDays(this.today, narrow ? -14 : -45), end: addDays(this.today, narrow ? 60 : 150) };
  }

  build(drawn) {
    this.root.replaceChildren();
    const window_ = this.initialWindow();
    const locale = this.lang.slice(0, 2);
    moment.locale(locale === "sv" ? "sv" : "en");
    this.timeline = new Timeline(this.root, this.items, this.groups, {
      start: window_.start,
      end: window_.end,
      zoomMin: 7 * DAY_MS,
      zoomMax: 5 * 365 * DAY_MS,
      orientation: { axis: "top", item: "top" },
      stack: true,
      margin: { item: { horizontal: 2, vertical: 6 }, axis: 6 },
      editable: { add: false, updateTime: true, updateGroup: false, remove: false, overrideItems: false },
      groupEditable: false,
      snap: snapToDay,
      order: (a, b) => (a.sort ?? 0) - (b.sort ?? 0),
      groupOrder: "order",
      template: (data) => this.template(data),
      groupTemplate: (group) => this.groupTemplate(group),
      onMove: (item, callback) => this.onMove(item, callback),
      tooltip: { followMouse: true, overflowMethod: "cap", delay: 150 },
      tooltipOnItemUpdateTime: { template: (item) => escapeHtml(this.draggedDates(item)) },
      dataAttributes: ["id"],
      showCurrentTime: false,
      zoomKey: "ctrlKey",
      horizontalScroll: false,
      verticalScroll: false,
      locale: locale in LOCALES ? locale : "en",
      locales: LOCALES,
      xss: { disabled: false },
      onInitialDrawComplete: () => drawn && drawn(),
      // Thousands of bars in view make every redraw slow: from CLUSTER_FROM items on, neighbours in a lane are
      // drawn as one cluster ("12 items") at wide zoom and come apart as you zoom in.
      ...(this.items.length >= CLUSTER_FROM
        ? { cluster: { maxItems: 4, showStipes: false, fitOnDoubleClick: true, titleTemplate: this.msg("cluster") } }
        : {}),
    });
    this.timeline.addCustomTime(this.today, "today");
    this.timeline.setCustomTimeMarker(this.msg("today"), "today", false);
    this.timeline.setCustomTimeTitle(this.dateFormat.format(this.today), "today");
    this.timeline.on("changed", () => this.scheduleArrows());
    this.timeline.on("doubleClick", (props) => {
      if (typeof props.item === "number") window.location.assign(this.itemUrl(props.item));
    });
    this.setUpZoom();
  }

  itemUrl(id) {
    return this.root.getAttribute("data-item-url").replace("/0/", `/${id}/`);
  }

  draggedDates(visItem) {
    const start = isoDay(visItem.start);
    const end = visItem.end ? isoDay(addDays(visItem.end, -1)) : start;
    const kind = (this.byId.get(visItem.id) || {}).kind;
    return this.dates({ start, end: end < start ? start : end, kind });
  }

  // --- zoom --------------------------------------------------------------------------------------------------

  setUpZoom() {
    const bar = document.querySelector("[data-timeline-zoom]");
    if (!bar) return;
    bar.hidden = false;
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("[data-zoom]");
      if (button) this.zoom(button.getAttribute("data-zoom"));
    });
  }

  zoom(level) {
    const { start, end } = this.timeline.getWindow();
    if (level === "today") {
      const half = (end - start) / 2;
      this.timeline.setWindow(new Date(this.today.getTime() - half), new Date(this.today.getTime() + half));
      return;
    }
    const span = (ZOOM_DAYS[level] || 122) * DAY_MS;
    const center = (start.getTime() + end.getTime()) / 2;
    this.timeline.setWindow(new Date(center - span / 2), new Date(center + span / 2));
    for (const b of document.querySelectorAll("[data-zoom]")) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-zoom") === level));
    }
  }

  // --- dependency arrows --------------------------------------------------------------------------------------

  scheduleArrows() {
    if (this.arrowFrame) return;
    this.arrowFrame = requestAnimationFrame(() => {
      this.arrowFrame = 0;
      this.drawArrows();
    });
  }

  drawArrows() {
    const panel = this.root.querySelector(".vis-panel.vis-center");
    if (!panel) return;
    if (!this.svg) {
      this.svg = document.createElementNS(SVG_NS, "svg");
      this.svg.setAttribute("class", "dependency-layer");
      this.svg.setAttribute("aria-hidden", "true");
      this.svg.innerHTML =
        '<defs><marker id="dep-arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"></path></marker>' +
        '<marker id="dep-arrow-bad" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"></path></marker></defs>';
      this.layer = document.createElementNS(SVG_NS, "g");
      this.svg.append(this.layer);
    }
    const host = this.root.querySelector(".vis-timeline") || this.root;
    if (this.svg.parentNode !== host) host.append(this.svg);
    const hostRect = host.getBoundingClientRect();
    const rect = panel.getBoundingClientRect();
    const left = rect.left - hostRect.left - host.clientLeft;
    const top = rect.top - hostRect.top - host.clientTop;
    this.svg.style.left = `${left}px`;
    this.svg.style.top = `${top}px`;
    this.svg.style.width = `${rect.width}px`;
    this.svg.style.height = `${rect.height}px`;
    this.svg.setAttribute("viewBox", `0 0 ${Math.max(1, rect.width)} ${Math.max(1, rect.height)}`);

    const boxes = new Map();
    for (const el of panel.querySelectorAll(".vis-item[data-id]")) {
      const id = Number(el.getAttribute("data-id"));
      const target = el.classList.contains("vis-point") ? el.querySelector(".vis-dot") || el : el;
      const r = target.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      boxes.set(id, { left: r.left - rect.left, right: r.right - rect.left, y: r.top - rect.top + r.height / 2 });
    }
    const paths = [];
    for (const dep of this.dependencies) {
      const a = boxes.get(dep.from);
      const b = boxes.get(dep.to);
      if (!a || !b) continue; // one end is outside the window or in a collapsed lane
      const x1 = dep.kind === "ss" ? a.left : a.right;
      const x2 = dep.kind === "ff" ? b.right : b.left;
      const successor = this.byId.get(dep.to);
      const broken = successor && successor.conflicts.some((c) => c.kind === "dependency" && c.other === dep.from);
      const critical = this.byId.get(dep.from)?.critical && successor?.critical;
      const path = document.createElementNS(SVG_NS, "path");
      path.setAttribute("d", this.route(x1, a.y, x2, b.y, dep.kind));
      path.setAttribute("class", `dep${broken ? " dep-broken" : ""}${critical ? " dep-critical" : ""}`);
      path.setAttribute("marker-end", broken ? "url(#dep-arrow-bad)" : "url(#dep-arrow)");
      paths.push(path);
    }
    this.layer.replaceChildren(...paths);
  }

  /** The path of one arrow: a smooth curve when the successor starts well after, else an elbow around. */
  route(x1, y1, x2, y2, kind) {
    const gap = 10;
    if (kind === "ss") {
      const x = Math.min(x1, x2) - gap;
      return `M${x1},${y1} H${x} V${y2} H${x2 - 1}`;
    }
    if (kind === "ff") {
      const x = Math.max(x1, x2) + gap;
      return `M${x1},${y1} H${x} V${y2} H${x2 + 1}`;
    }
    if (x2 - x1 > 2 * gap) {
      const dx = Math.max(gap, Math.min(48, (x2 - x1) / 2));
      return `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2 - 1},${y2}`;
    }
    const ym = y1 === y2 ? y1 + 14 : (y1 + y2) / 2;
    return `M${x1},${y1} H${x1 + gap} V${ym} H${x2 - gap} V${y2} H${x2 - 1}`;
  }

  // --- saving a move --------------------------------------------------------------------------------------------

  /** vis-timeline's onMove: save, then keep the move (callback(item)) or put the item back (callback(null)). */
  onMove(visItem, callback) {
    const item = this.byId.get(visItem.id);
    if (!item) return callback(null);
    const start = isoDay(visItem.start);
    let end = item.kind === "milestone" || !visItem.end ? start : isoDay(addDays(visItem.end, -1));
    if (end < start) end = start;
    if (start === item.start && end === item.end) return callback(visItem);
    return this.save(item, start, end).then((ok) => callback(ok ? visItem : null));
  }

  /** PATCH the new dates with the version we have; true when saved. Used by drag and resize (and by tests). */
  async save(item, start, end) {
    const url = this.root.getAttribute("data-save-url").replace(/\/0(\/?)$/, `/${item.id}$1`);
    let response;
    let body = {};
    try {
      response = await fetch(url, {
        method: this.root.getAttribute("data-save-method") || "PATCH",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": this.root.getAttribute("data-csrf-token") || "",
        },
        body: JSON.stringify({ version: item.version, start, end }),
      });
      body = await response.json().catch(() => ({}));
    } catch {
      this.announce(this.msg("failed"), "error");
      return false;
    }
    if (response.ok) {
      item.version = body.version ?? item.version + 1;
      item.start = body.start || start;
      item.end = body.end || end;
      this.announce(format(this.msg("saved"), { title: item.title, dates: this.dates(item) }), "success");
      this.refresh();
      return true;
    }
    if (response.status === 409) {
      this.announce(format(this.msg("stale"), { title: item.title }), "warning");
      this.refresh();
    } else if (response.status === 422 || response.status === 403) {
      const reasons = (body.errors || []).map((e) => e.message).join(" ");
      this.announce(format(this.msg("invalid"), { title: item.title, reason: reasons || body.detail || "" }), "error");
    } else {
      this.announce(this.msg("failed"), "error");
    }
    return false;
  }

  /** Move an item the way a drag does (the same onMove path); resolves to true when saved. */
  move(id, start, end) {
    const current = this.items.get(id);
    if (!current) return Promise.resolve(false);
    const proposed = {
      ...current,
      start: parseDay(start),
      end: current.type === "point" ? undefined : addDays(parseDay(end || start), 1),
    };
    return new Promise((resolve) => {
      this.onMove(proposed, (kept) => {
        if (kept) this.items.update(kept);
        resolve(Boolean(kept));
      });
    });
  }

  /** Fetch fresh data (new versions, conflicts, critical path) and tell the server-rendered lists to refresh. */
  async refresh() {
    try {
      this.load(await this.fetchData());
      this.scheduleArrows();
    } catch {
      this.announce(this.msg("failed"), "error");
    }
    document.body.dispatchEvent(new CustomEvent("roadmap:changed", { bubbles: true }));
  }

  announce(text, kind) {
    if (!this.status) return;
    const box = document.createElement("p");
    box.className = `message ${kind}`;
    box.textContent = text;
    this.status.replaceChildren(box);
  }
}

function start() {
  const root = document.getElementById("roadmap-timeline");
  if (!root) return;
  const roadmap = new Roadmap(root);
  const ready = roadmap.start().then(
    () => root.setAttribute("data-ready", "true"),
    (error) => {
      root.setAttribute("data-ready", "error");
      roadmap.announce(roadmap.msg("failed"), "error");
      throw error;
    },
  );
  window.NorthstarRoadmap = {
    ready,
    move: (id, start, end) => ready.then(() => roadmap.move(id, start, end)),
    timeline: () => roadmap.timeline,
    item: (id) => roadmap.byId.get(id),
  };
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}
