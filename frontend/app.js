// northstar progressive enhancements. No framework, no inline handlers
// (the CSP forbids inline scripts and style attributes). htmx is loaded
// separately by Django; nothing here touches htmx.config.

const TOGGLE = "[data-toggle-target]";
const AUTOFOCUS = "[data-autofocus]";

/** Elements named by data-toggle-target: one id, or several separated by spaces. */
function toggleTargets(button) {
  return (button.getAttribute("data-toggle-target") || "")
    .split(/\s+/)
    .filter(Boolean)
    .map((id) => document.getElementById(id))
    .filter(Boolean);
}

function setExpanded(button, expanded) {
  button.setAttribute("aria-expanded", String(expanded));
  for (const target of toggleTargets(button)) {
    target.hidden = !expanded;
    if (!expanded) {
      // Collapsing a branch collapses everything below it, so that re-opening
      // it shows only its direct children.
      for (const inner of target.querySelectorAll(`${TOGGLE}[aria-expanded="true"]`)) {
        setExpanded(inner, false);
      }
    }
  }
}

function isExpanded(button) {
  const state = button.getAttribute("aria-expanded");
  if (state !== null) return state === "true";
  const first = toggleTargets(button)[0];
  return first ? !first.hidden : false;
}

/** Bring markup in a subtree in line with what the scripts expect. */
function enhance(root) {
  const scope = root && root.querySelectorAll ? root : document;
  const toggles = Array.from(scope.querySelectorAll(TOGGLE));
  if (scope.matches && scope.matches(TOGGLE)) toggles.push(scope);
  for (const button of toggles) {
    if (!button.hasAttribute("aria-controls")) {
      button.setAttribute("aria-controls", button.getAttribute("data-toggle-target"));
    }
    // Without JS everything stays visible; with JS the hidden state follows aria-expanded.
    const state = button.getAttribute("aria-expanded");
    if (state !== null) {
      for (const target of toggleTargets(button)) target.hidden = state !== "true";
    }
  }
  // <span class="progress-fill" data-value="0.42">: width through a custom
  // property set from script (CSSOM is allowed by the CSP, style="" is not).
  for (const fill of scope.querySelectorAll(".progress-fill[data-value]")) {
    const value = Math.min(1, Math.max(0, parseFloat(fill.getAttribute("data-value")) || 0));
    fill.style.setProperty("--value", String(value));
  }
}

// (a) Disclosure buttons: tree rows, mobile nav.
document.addEventListener("click", (event) => {
  const button = event.target.closest(TOGGLE);
  if (!button || button.disabled) return;
  event.preventDefault();
  setExpanded(button, !isExpanded(button));
});

// Dismiss buttons inside messages/toasts.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-dismiss]");
  if (!button) return;
  const box = button.closest(".message, .toast, [data-dismissible]");
  if (box) {
    event.preventDefault();
    box.remove();
  }
});

// (b) Confirmation. Capture phase, so a refusal also stops htmx handlers on the element.
function refuse(event) {
  event.preventDefault();
  event.stopImmediatePropagation();
}

document.addEventListener(
  "click",
  (event) => {
    const el = event.target.closest("[data-confirm]");
    if (!el || el.tagName === "FORM") return;
    if (el.disabled) return;
    if (!window.confirm(el.getAttribute("data-confirm"))) refuse(event);
  },
  true,
);

document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) refuse(event);
  },
  true,
);

// (c) After an htmx swap, focus the [data-autofocus] element that just arrived.
// Elements already on the page are remembered, so an outerHTML swap (whose
// old target is gone) still finds the new element and old ones never steal focus.
const seenAutofocus = new WeakSet();

function focusNew(scope) {
  const candidates = Array.from(scope.querySelectorAll(AUTOFOCUS));
  if (scope.matches && scope.matches(AUTOFOCUS)) candidates.unshift(scope);
  const fresh = candidates.filter((el) => !seenAutofocus.has(el));
  for (const el of candidates) seenAutofocus.add(el);
  const el = fresh[0];
  if (!el) return false;
  if (el.tabIndex < 0 && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.focus({ preventScroll: false });
  return true;
}

function onAfterSwap(event) {
  const target = event.detail && event.detail.target;
  const scope = target && target.isConnected ? target : document;
  enhance(scope);
  if (!focusNew(scope) && scope !== document) focusNew(document);
}

// Every piece of content htmx inserts (including out-of-band swaps) gets enhanced.
function onHtmxLoad(event) {
  if (event.target instanceof Element && event.target !== document.body) enhance(event.target);
}

// "/" focuses the list filter (#filter-q) unless the user is typing somewhere.
function isTyping(el) {
  if (!(el instanceof Element)) return false;
  if (el.isContentEditable) return true;
  return el.matches("input, textarea, select, [role='textbox'], [role='combobox']");
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.defaultPrevented || isTyping(event.target)) return;
  const filter = document.getElementById("filter-q");
  if (!filter) return;
  event.preventDefault();
  filter.focus();
  if (typeof filter.select === "function") filter.select();
});

function start() {
  enhance(document);
  // Page-load autofocus is the native `autofocus` attribute's job, not ours.
  for (const el of document.querySelectorAll(AUTOFOCUS)) seenAutofocus.add(el);
  // Settled, not swapped: by then htmx has wired up the new content, so Enter in a just-focused form
  // submits through htmx instead of reloading the page.
  document.body.addEventListener("htmx:afterSettle", onAfterSwap);
  document.body.addEventListener("htmx:load", onHtmxLoad);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start, { once: true });
} else {
  start();
}

// Expand or collapse every disclosure inside a container: <button data-expand-all="ID"> / data-collapse-all.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-expand-all], [data-collapse-all]");
  if (!button) return;
  const expand = button.hasAttribute("data-expand-all");
  const root = document.getElementById(button.getAttribute(expand ? "data-expand-all" : "data-collapse-all"));
  if (!root) return;
  event.preventDefault();
  for (const toggle of root.querySelectorAll(TOGGLE)) setExpanded(toggle, expand);
});

// Copy the value of an input to the clipboard: <button data-copy-target="ID" data-copied-text="Copied">.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const field = document.getElementById(button.getAttribute("data-copy-target"));
  if (!field) return;
  event.preventDefault();
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    document.execCommand("copy");
  }
  const original = button.textContent;
  button.textContent = button.getAttribute("data-copied-text") || original;
  setTimeout(() => { button.textContent = original; }, 2000);
});

// Inline validation swaps only error texts (<p class="error" id="FIELD_error">, out of band): keep the
// field's aria-invalid in step with whether its error is shown. htmx:load fires on each new element.
document.addEventListener("htmx:load", (event) => {
  const error = event.detail && event.detail.elt;
  if (!error || !error.id || !error.id.endsWith("_error") || !error.classList.contains("error")) return;
  const control = document.getElementById(error.id.slice(0, -"_error".length));
  if (!control) return;
  if (error.hidden) {
    control.removeAttribute("aria-invalid");
  } else {
    control.setAttribute("aria-invalid", "true");
    const described = (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (!described.includes(error.id)) control.setAttribute("aria-describedby", [...described, error.id].join(" "));
  }
});

// Tree filter (the alignment map): <input data-tree-filter="TREE_ID" data-filter-status="STATUS_ID"> shows the
// [data-node] items whose data-search matches what is typed, with their ancestors (opened), and hides the rest.
// Case and accents do not matter; clearing the search gives back the folding from before it. The status element says how many match (texts in data-none/-one/-many).
function fold(text) {
  return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

// The folding a tree had before a search started: restored as each search step starts, and when it is cleared.
const foldingBeforeSearch = new WeakMap();

function applyFolding(saved) {
  for (const [button, expanded] of saved) {
    if (!button.isConnected) continue;
    button.setAttribute("aria-expanded", String(expanded));
    for (const target of toggleTargets(button)) target.hidden = !expanded;
  }
}

function filterTree(input) {
  const tree = document.getElementById(input.getAttribute("data-tree-filter"));
  if (!tree) return;
  const query = fold(input.value.trim());
  const nodes = Array.from(tree.querySelectorAll("[data-node]"));
  if (query !== "" && !foldingBeforeSearch.has(tree)) {
    foldingBeforeSearch.set(tree, Array.from(tree.querySelectorAll(TOGGLE), (b) => [b, isExpanded(b)]));
  }
  if (foldingBeforeSearch.has(tree)) applyFolding(foldingBeforeSearch.get(tree));
  if (query === "") foldingBeforeSearch.delete(tree);
  const keep = new Set();
  let matches = 0;
  for (const node of nodes) {
    const hit = query !== "" && fold(node.getAttribute("data-search")).includes(query);
    node.classList.toggle("is-match", hit);
    if (!hit) continue;
    matches += 1;
    for (let el = node; el && tree.contains(el); el = el.parentElement.closest("[data-node]")) {
      if (keep.has(el)) break;
      keep.add(el);
    }
  }
  tree.classList.toggle("is-filtered", query !== "");
  for (const node of nodes) node.hidden = query !== "" && !keep.has(node);
  // Open the branches that lead to a match, so that it is visible.
  for (const node of keep) {
    const toggle = node.querySelector(":scope > * > [data-toggle-target]");
    const inner = toggle && toggleTargets(toggle)[0];
    if (inner && inner.querySelector(":scope > [data-node]:not([hidden])")) setExpanded(toggle, true);
  }
  const status = document.getElementById(input.getAttribute("data-filter-status") || "");
  if (status) {
    const many = status.getAttribute("data-many") || "%(count)s";
    status.textContent =
      query === "" ? "" : matches === 0 ? status.getAttribute("data-none") || "0"
        : matches === 1 ? status.getAttribute("data-one") || "1" : many.replace("%(count)s", String(matches));
  }
}

document.addEventListener("input", (event) => {
  const input = event.target;
  if (input instanceof HTMLInputElement && input.hasAttribute("data-tree-filter")) filterTree(input);
});

// Escape in a tree filter clears it.
document.addEventListener("keydown", (event) => {
  const input = event.target;
  if (event.key !== "Escape" || !(input instanceof HTMLInputElement) || !input.hasAttribute("data-tree-filter")) return;
  if (input.value === "") return;
  event.preventDefault();
  input.value = "";
  filterTree(input);
});

// A tree swapped in by htmx (another period) keeps the filter that is typed.
document.addEventListener("htmx:afterSettle", () => {
  for (const input of document.querySelectorAll("input[data-tree-filter]")) {
    if (input.value.trim() !== "") filterTree(input);
  }
});
