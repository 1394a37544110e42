// The playground page: renders what the app sent (Block Kit) and sends what a person does.
// Every piece of text is put in with textContent; nothing from the app or a person is ever
// parsed as HTML. Updates come by short polling /api/state (a version number first), which
// keeps the server to plain request/response on waitress's small thread pool.
"use strict";

const POLL_MS = 400;
let me = "U0ADMIN";
let version = -1;
let current = "messages";
let lastState = null;
let shown = { messages: "", general: "", home: "", modal: "", log: -1, keys: false };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

// --- Slack mrkdwn ---------------------------------------------------------------------------
// The emoji codes the app's messages use; any other :code: stays as typed.
const EMOJI = {
  hourglass_flowing_sand: "⏳", white_check_mark: "✅", lock: "🔒", no_entry: "⛔", x: "❌",
  warning: "⚠️", tada: "🎉", floppy_disk: "💾", credit_card: "💳", white_large_square: "⬜",
  wastebasket: "🗑️", twisted_rightwards_arrows: "🔀", rotating_light: "🚨",
  heavy_minus_sign: "➖", grey_question: "❔", earth_africa: "🌍", key: "🔑", bulb: "💡",
  hourglass: "⌛", red_circle: "🔴", arrows_counterclockwise: "🔄", zzz: "💤",
};

function emoji(text) {
  return text.replace(/:([a-z0-9_+-]+):/g, (code, name) => EMOJI[name] || code);
}

function unescapeSlack(text) {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function decodeEntities(text) {
  return emoji(unescapeSlack(text));
}

const INLINE = new RegExp(
  [
    "`([^`\\n]+)`",
    "<([^<>\\n]+)>",
    "(?<![\\w*])\\*(?!\\s)([^*\\n]+?)(?<!\\s)\\*(?![\\w*])",
    "(?<![\\w_])_(?!\\s)([^_\\n]+?)(?<!\\s)_(?![\\w_])",
    "(?<![\\w~])~(?!\\s)([^~\\n]+?)(?<!\\s)~(?![\\w~])",
  ].join("|"),
  "g",
);

function personName(id) {
  const person = (lastState && lastState.people || []).find((p) => p.id === id);
  return person ? person.name : id === "UBOT0001" ? "openai-setup" : id;
}

function channelName(id) {
  const channel = (lastState && lastState.channels || []).find((c) => c.id === id);
  return channel ? channel.name : id;
}

function link(target) {
  const [url, label] = splitOnce(target, "|");
  if (url.startsWith("@")) return el("span", { class: "mention", text: "@" + personName(url.slice(1)) });
  if (url.startsWith("#")) return el("span", { class: "mention", text: "#" + (decodeEntities(label) || channelName(url.slice(1))) });
  if (url.startsWith("!date^")) return el("time", { text: decodeEntities(label || url) });
  if (url.startsWith("!")) return el("span", { class: "mention", text: "@" + (label || url.slice(1).split("^")[0]) });
  const href = unescapeSlack(url);
  const text = decodeEntities(label || url);
  if (!/^(https?:|mailto:)/i.test(href)) return document.createTextNode(text);
  return el("a", { href, target: "_blank", rel: "noopener noreferrer", text });
}

function splitOnce(text, sep) {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}

function inline(text, parent) {
  let last = 0;
  // matchAll works on a copy of the pattern, so the recursion below cannot move its place.
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(decodeEntities(text.slice(last, match.index)));
    if (match[1] !== undefined) parent.append(el("code", { text: unescapeSlack(match[1]) }));
    else if (match[2] !== undefined) parent.append(link(match[2]));
    else if (match[3] !== undefined) inline(match[3], parent.appendChild(el("strong")));
    else if (match[4] !== undefined) inline(match[4], parent.appendChild(el("em")));
    else if (match[5] !== undefined) inline(match[5], parent.appendChild(el("s")));
    last = match.index + match[0].length;
  }
  if (last < text.length) parent.append(decodeEntities(text.slice(last)));
  return parent;
}

const LIST_ITEM = /^(\s*)(?:[•◦▪-]|(\d+)[.)])\s+(.*)$/;

function mrkdwn(text) {
  const box = el("div", { class: "mrkdwn" });
  const parts = text.split("```");
  parts.forEach((part, index) => {
    if (index % 2 === 1) {
      box.append(el("pre", {}, el("code", { text: unescapeSlack(part.replace(/^\n/, "")) })));
      return;
    }
    let list = null;
    let quote = null;
    const lines = part.split("\n");
    lines.forEach((line, lineIndex) => {
      const item = LIST_ITEM.exec(line);
      if (item) {
        const kind = item[2] ? "ol" : "ul";
        const nested = item[1].length > 0;
        if (!list || list.tagName.toLowerCase() !== kind || list.classList.contains("nested") !== nested) {
          // A numbered list that goes on after an indented one keeps its numbers.
          list = box.appendChild(el(kind, { class: nested ? "nested" : null, start: item[2] && item[2] !== "1" ? item[2] : null }));
        }
        inline(item[3], list.appendChild(el("li")));
        quote = null;
        return;
      }
      list = null;
      if (line.startsWith("&gt; ") || line === "&gt;") {
        if (!quote) quote = box.appendChild(el("blockquote"));
        inline(line.replace(/^&gt; ?/, ""), quote.appendChild(el("div", { class: "line" })));
        return;
      }
      quote = null;
      if (line === "" && (lineIndex === 0 || lineIndex === lines.length - 1)) return;
      const row = inline(line, el("div", { class: "line" }));
      if (line === "") row.append(el("br"));
      box.append(row);
    });
  });
  return box;
}

function textObject(object) {
  if (!object) return el("span");
  if (object.type === "mrkdwn") return mrkdwn(object.text || "");
  return el("span", { class: "plain", text: object.emoji === false ? object.text || "" : emoji(object.text || "") });
}

// --- Block Kit --------------------------------------------------------------------------------
function renderBlocks(blocks, surface) {
  const box = el("div", { class: "blocks" });
  (blocks || []).forEach((block, index) => box.append(renderBlock(block, index, surface)));
  return box;
}

function renderBlock(block, index, surface) {
  const blockId = block.block_id || "b" + index;
  switch (block.type) {
    case "header":
      return el("h3", { class: "block header", text: (block.text || {}).text || "" });
    case "divider":
      return el("hr", { class: "block divider" });
    case "section": {
      const node = el("div", { class: "block section" });
      const body = node.appendChild(el("div", { class: "section-body" }));
      if (block.text) body.append(textObject(block.text));
      if (block.fields) {
        const fields = body.appendChild(el("div", { class: "fields" }));
        block.fields.forEach((field) => fields.append(el("div", { class: "field" }, textObject(field))));
      }
      if (block.accessory) node.append(renderElement(block.accessory, blockId, surface));
      return node;
    }
    case "context": {
      const node = el("div", { class: "block context" });
      (block.elements || []).forEach((item) =>
        node.append(item.type === "image" ? image(item.image_url, item.alt_text, "tiny") : textObject(item)),
      );
      return node;
    }
    case "actions": {
      const node = el("div", { class: "block actions" });
      (block.elements || []).forEach((item) => node.append(renderElement(item, blockId, surface)));
      return node;
    }
    case "image": {
      const node = el("figure", { class: "block image" });
      if (block.title) node.append(el("figcaption", { text: block.title.text || "" }));
      node.append(image(imageSource(block), block.alt_text, "large"));
      return node;
    }
    case "input":
      return renderInput(block, blockId, surface);
    default:
      return el("p", { class: "block unsupported", text: "[a " + String(block.type) + " block, which the playground does not draw]" });
  }
}

// An image the app uploaded (slack_file) is served by the playground from the stand-in.
function imageSource(block) {
  const file = block.slack_file;
  if (file && typeof file.id === "string" && /^F[A-Z0-9]+$/.test(file.id)) return "/files/" + file.id;
  return block.image_url;
}

function image(url, alt, size) {
  const safe = typeof url === "string" && /^(https?:|data:image\/|\/files\/F[A-Z0-9]+$)/i.test(url);
  if (!safe) return el("span", { class: "image-alt", text: alt || "" });
  return el("img", { src: url, alt: alt || "", class: "img-" + size, referrerpolicy: "no-referrer" });
}

function renderElement(item, blockId, surface) {
  if (item.type === "button") {
    return el("button", {
      type: "button",
      class: "btn" + (item.style ? " " + item.style : ""),
      text: (item.text || {}).text || "",
      onclick: () => clickButton(item, blockId, surface),
    });
  }
  if (item.type === "image") return image(item.image_url, item.alt_text, "accessory");
  if (item.type === "static_select" || item.type === "conversations_select") return selectMenu(item, blockId, surface);
  return el("span", { class: "unsupported", text: "[" + String(item.type) + "]" });
}

// A select menu outside an input block acts at once, as in Slack: choosing sends block_actions.
// Named by its placeholder, else by the text of the section it sits in.
function selectMenu(item, blockId, surface) {
  const placeholder = (item.placeholder || {}).text || "Choose";
  const channels = item.type === "conversations_select";
  const options = channels
    ? ((lastState && lastState.channels) || []).map((c) => ({ value: c.id, text: "#" + c.name }))
    : (item.options || []).map((o) => ({ value: o.value, text: (o.text || {}).text || "" }));
  const initial = channels ? item.initial_conversation : (item.initial_option || {}).value;
  const select = el("select", { class: "menu", "aria-label": placeholder, "data-action": item.action_id },
    el("option", { value: "", text: placeholder }));
  options.forEach((o) => select.append(el("option", { value: o.value, selected: o.value === initial, text: o.text })));
  select.addEventListener("change", () => {
    if (!select.value) return;
    const chosen = select.selectedOptions[0].textContent;
    const action = { action_id: item.action_id, block_id: blockId, type: item.type };
    if (channels) action.selected_conversation = select.value;
    else action.selected_option = { value: select.value, text: chosen };
    post("click", {
      where: surface.where,
      target: surface.where === "modal" ? JSON.stringify(modalValues()) : String(surface.id || ""),
      action,
    });
  });
  return select;
}

function clickButton(item, blockId, surface) {
  const send = () =>
    post("click", {
      where: surface.where,
      target: surface.where === "modal" ? JSON.stringify(modalValues()) : String(surface.id || ""),
      action: { action_id: item.action_id, block_id: blockId, value: item.value || "", text: (item.text || {}).text || "" },
    });
  if (item.confirm) confirmThen(item.confirm, send);
  else send();
}

function confirmThen(confirm, then) {
  const layer = document.getElementById("confirm-layer");
  const previous = document.activeElement;
  const close = () => {
    layer.hidden = true;
    layer.replaceChildren();
    if (previous) previous.focus();
  };
  const deny = el("button", { type: "button", class: "btn", text: (confirm.deny || {}).text || "Cancel", onclick: close });
  const ok = el("button", {
    type: "button",
    class: "btn " + (confirm.style === "danger" ? "danger" : "primary"),
    text: (confirm.confirm || {}).text || "Confirm",
    onclick: () => { close(); then(); },
  });
  const box = el(
    "div",
    { role: "alertdialog", "aria-modal": "true", "aria-labelledby": "confirm-title", "aria-describedby": "confirm-text", class: "dialog confirm" },
    el("h2", { id: "confirm-title", text: (confirm.title || {}).text || "Are you sure?" }),
    el("div", { id: "confirm-text" }, textObject(confirm.text)),
    el("div", { class: "dialog-buttons" }, deny, ok),
  );
  layer.replaceChildren(box);
  layer.hidden = false;
  deny.focus();
}

// --- modal inputs ---------------------------------------------------------------------------
function renderInput(block, blockId, surface) {
  const element = block.element || {};
  const actionId = element.action_id || "value";
  const id = "in-" + blockId;
  const errors = (lastState && lastState.modal_errors) || {};
  const error = errors[blockId];
  const label = (block.label || {}).text || "";
  const node = el("div", { class: "block input" + (error ? " has-error" : ""), "data-block": blockId, "data-action": actionId, "data-type": element.type });
  const described = [];
  if (block.hint) described.push(id + "-hint");
  if (error) described.push(id + "-error");
  const common = { id, "aria-describedby": described.join(" ") || null, "aria-invalid": error ? "true" : null };
  if (element.type === "checkboxes") {
    const group = el("fieldset", { "aria-describedby": common["aria-describedby"] }, el("legend", {}, label, optionalMark(block)));
    const initial = new Set((element.initial_options || []).map((o) => o.value));
    (element.options || []).forEach((option, i) => {
      const boxId = id + "-" + i;
      group.append(
        el("div", { class: "check" },
          el("input", { type: "checkbox", id: boxId, value: option.value, checked: initial.has(option.value), "data-text": (option.text || {}).text || "" }),
          el("label", { for: boxId }, textObject(option.text))),
      );
    });
    node.append(group);
  } else if (element.type === "radio_buttons") {
    const group = el("fieldset", { role: "radiogroup", "aria-describedby": common["aria-describedby"] }, el("legend", {}, label, optionalMark(block)));
    const initial = (element.initial_option || {}).value;
    (element.options || []).forEach((option, i) => {
      const radioId = id + "-" + i;
      group.append(
        el("div", { class: "check" },
          el("input", { type: "radio", id: radioId, name: id, value: option.value, checked: option.value === initial, "data-text": (option.text || {}).text || "" }),
          el("label", { for: radioId }, textObject(option.text))),
      );
    });
    node.append(group);
  } else if (element.type === "static_select") {
    node.append(el("label", { for: id }, label, optionalMark(block)));
    const select = el("select", common, el("option", { value: "", text: (element.placeholder || {}).text || "Choose" }));
    const initial = (element.initial_option || {}).value;
    (element.options || []).forEach((option) =>
      select.append(el("option", { value: option.value, selected: option.value === initial, text: (option.text || {}).text || "" })),
    );
    node.append(select);
  } else {
    node.append(el("label", { for: id }, label, optionalMark(block)));
    const tag = element.multiline ? "textarea" : "input";
    const input = el(tag, {
      ...common,
      type: tag === "input" ? "text" : null,
      placeholder: (element.placeholder || {}).text || null,
      maxlength: element.max_length || null,
      autocomplete: "off",
      spellcheck: "false",
    });
    input.value = element.initial_value || "";
    node.append(input);
  }
  if (block.hint) node.append(el("div", { id: id + "-hint", class: "hint" }, textObject(block.hint)));
  if (error) node.append(el("div", { id: id + "-error", class: "error", text: error }));
  return node;
}

// Shown, but left out of the accessible name: an input is named by its Block Kit label.
function optionalMark(block) {
  return block.optional ? el("span", { class: "optional", "aria-hidden": "true", text: " (optional)" }) : null;
}

function modalValues() {
  const values = {};
  document.querySelectorAll("#modal-layer .block.input").forEach((node) => {
    const block = node.dataset.block;
    const action = node.dataset.action;
    let state;
    if (node.dataset.type === "checkboxes") {
      const selected = [...node.querySelectorAll("input[type=checkbox]:checked")].map((box) => ({
        text: { type: "plain_text", text: box.dataset.text }, value: box.value,
      }));
      state = { type: "checkboxes", selected_options: selected };
    } else if (node.dataset.type === "radio_buttons") {
      const radio = node.querySelector("input[type=radio]:checked");
      state = { type: "radio_buttons", selected_option: radio ? { text: { type: "plain_text", text: radio.dataset.text }, value: radio.value } : null };
    } else if (node.dataset.type === "static_select") {
      const select = node.querySelector("select");
      const option = select.selectedOptions[0];
      state = { type: "static_select", selected_option: select.value ? { text: { type: "plain_text", text: option.textContent }, value: select.value } : null };
    } else {
      const input = node.querySelector("input, textarea");
      state = { type: "plain_text_input", value: input.value === "" ? null : input.value };
    }
    values[block] = { [action]: state };
  });
  return values;
}

function renderModal(state) {
  const layer = document.getElementById("modal-layer");
  const view = state.modal;
  const key = JSON.stringify([view, state.modal_errors]);
  if (key === shown.modal) return;
  const sameView = view && shown.modalId === view.id + ":" + view.hash;
  const kept = sameView ? modalValues() : null;
  shown.modal = key;
  if (!view) {
    shown.modalId = "";
    layer.hidden = true;
    layer.replaceChildren();
    return;
  }
  shown.modalId = view.id + ":" + view.hash;
  const title = el("h2", { id: "modal-title", text: (view.title || {}).text || "" });
  const buttons = el("div", { class: "dialog-buttons" });
  buttons.append(el("button", { type: "button", class: "btn", text: (view.close || {}).text || "Close", onclick: () => post("close", {}) }));
  if (view.submit) buttons.append(el("button", { type: "submit", class: "btn primary", text: view.submit.text || "Submit" }));
  const form = el(
    "form",
    { role: "dialog", "aria-modal": "true", "aria-labelledby": "modal-title", class: "dialog modal", novalidate: true,
      onsubmit: (event) => { event.preventDefault(); post("submit", { values: modalValues() }); } },
    title,
    renderBlocks(view.blocks, { where: "modal", id: view.id }),
    buttons,
  );
  layer.replaceChildren(form);
  layer.hidden = false;
  if (kept) restoreValues(kept);
  const firstInvalid = form.querySelector("[aria-invalid=true]");
  const first = firstInvalid || form.querySelector("input, textarea, select") || form.querySelector("button");
  if (first && !sameView) first.focus();
  else if (firstInvalid) firstInvalid.focus();
}

function restoreValues(values) {
  document.querySelectorAll("#modal-layer .block.input").forEach((node) => {
    const state = (values[node.dataset.block] || {})[node.dataset.action];
    if (!state) return;
    if (state.type === "plain_text_input") node.querySelector("input, textarea").value = state.value || "";
    else if (state.type === "checkboxes") {
      const chosen = new Set(state.selected_options.map((o) => o.value));
      node.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = chosen.has(box.value); });
    } else if (state.type === "radio_buttons") {
      const chosen = (state.selected_option || {}).value;
      node.querySelectorAll("input[type=radio]").forEach((radio) => { radio.checked = radio.value === chosen; });
    } else if (state.type === "static_select") node.querySelector("select").value = (state.selected_option || {}).value || "";
  });
}

// --- conversations --------------------------------------------------------------------------
function renderFeed(panel, messages, channel) {
  const list = document.querySelector("#panel-" + panel + " .feed");
  const mine = messages.filter((m) => m.channel === channel);
  const key = JSON.stringify(mine);
  if (key === shown[panel]) return;
  shown[panel] = key;
  list.replaceChildren(
    ...mine.map((message) => {
      const time = new Date(parseFloat(message.ts) * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      const item = el("li", { class: "message" + (message.from_app ? " from-app" : "") + (message.ephemeral ? " ephemeral" : ""), "data-message": message.id });
      item.append(el("div", { class: "meta" }, el("span", { class: "author", text: message.author + (message.from_app ? " APP" : "") }), " ", el("span", { class: "time", text: time })));
      if (message.ephemeral) item.append(el("div", { class: "only-you", text: "Only visible to you" }));
      if (message.thread) item.append(el("div", { class: "thread-note", text: "replied in a thread" }));
      if (message.blocks && message.blocks.length) item.append(renderBlocks(message.blocks, { where: "message", id: message.id }));
      else if (message.from_app) item.append(mrkdwn(message.text));
      else item.append(el("div", { class: "plain-text", text: message.text }));
      return item;
    }),
  );
  if (list.lastElementChild) list.lastElementChild.scrollIntoView({ block: "start" });
}

function renderHome(state) {
  const box = document.querySelector("#panel-home .home");
  const key = JSON.stringify(state.home);
  if (key === shown.home) return;
  shown.home = key;
  if (!state.home) {
    box.replaceChildren(el("p", { class: "hint", text: "Opening the Home tab…" }));
    return;
  }
  box.replaceChildren(renderBlocks(state.home.blocks, { where: "home", id: state.home.id }));
}

function renderLog(state) {
  if (state.log.length === shown.log) return;
  shown.log = state.log.length;
  document.getElementById("log-count").textContent = String(state.log.length);
  document.querySelector("#log .log-list").replaceChildren(
    ...state.log.map((entry) => el("li", {}, el("strong", { text: entry.method }), el("pre", { text: entry.arguments }))),
  );
}

function renderKeys(state) {
  if (shown.keys || !state.test_keys || !state.test_keys.length) return;
  shown.keys = true;
  const box = document.getElementById("test-keys");
  box.hidden = false;
  box.querySelector("tbody").replaceChildren(
    ...state.test_keys.map((row) => el("tr", {}, el("td", { text: row.outcome }), el("td", {}, el("code", { text: row.key })))),
  );
}

function renderPeople(state) {
  const select = document.getElementById("person");
  if (select.options.length) return;
  state.people.forEach((person) => select.append(el("option", { value: person.id, text: person.name })));
  select.value = me;
}

function render(state) {
  lastState = state;
  renderPeople(state);
  renderFeed("messages", state.messages, state.dm);
  renderFeed("general", state.messages, "C0GENERAL");
  renderHome(state);
  renderModal(state);
  renderLog(state);
  renderKeys(state);
}

// --- talking to the server -------------------------------------------------------------------
async function post(action, data) {
  const status = document.getElementById("status");
  try {
    const response = await fetch("/api/" + action, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ as: me, ...data }),
    });
    const answer = response.ok ? await response.json() : { ok: false, problem: await response.text() };
    status.textContent = answer.ok ? "" : answer.problem || "";
    await poll();
    return answer;
  } catch (error) {
    status.textContent = "The playground stopped answering.";
    return { ok: false };
  }
}

let polling = false;
async function poll() {
  if (polling) return;
  polling = true;
  try {
    const response = await fetch("/api/state?as=" + encodeURIComponent(me) + "&since=" + version);
    if (response.ok) {
      const state = await response.json();
      if (!state.unchanged) {
        version = state.version;
        render(state);
      }
    }
  } catch (error) {
    // the server is restarting or gone: try again on the next tick
  } finally {
    polling = false;
  }
}

async function runJobs() {
  const status = document.getElementById("jobs-status");
  status.textContent = "Running…";
  const answer = await post("jobs", {});
  if (answer.ok) status.textContent = answer.ran.length ? "Ran: " + answer.ran.join(", ") + "." : "No job was due.";
  else status.textContent = "";
}

function selectTab(name) {
  current = name;
  for (const tab of ["messages", "general", "home"]) {
    const button = document.getElementById("tab-" + tab);
    button.setAttribute("aria-selected", String(tab === name));
    button.tabIndex = tab === name ? 0 : -1;
    document.getElementById("panel-" + tab).hidden = tab !== name;
  }
  document.getElementById("composer").hidden = name === "home";
  if (name === "home") post("home", {});
}

function start() {
  document.querySelectorAll("[role=tab]").forEach((tab) => {
    tab.addEventListener("click", () => selectTab(tab.id.slice(4)));
    tab.addEventListener("keydown", (event) => {
      const order = ["messages", "general", "home"];
      const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
      if (!step) return;
      const next = order[(order.indexOf(current) + step + order.length) % order.length];
      selectTab(next);
      document.getElementById("tab-" + next).focus();
    });
  });
  document.getElementById("person").addEventListener("change", (event) => {
    me = event.target.value;
    version = -1;
    shown = { messages: "", general: "", home: "", modal: "", log: -1, keys: shown.keys };
    if (current === "home") post("home", {});
    else poll();
  });
  const box = document.getElementById("message");
  const composer = document.getElementById("composer");
  composer.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = box.value;
    if (!text.trim()) return;
    const channel = current === "general" ? "C0GENERAL" : (lastState ? lastState.dm : "");
    const answer = await post("message", { channel, text });
    if (answer.ok) box.value = "";
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const confirmLayer = document.getElementById("confirm-layer");
    if (!confirmLayer.hidden) confirmLayer.querySelector("button").click();
    else if (lastState && lastState.modal) post("close", {});
  });
  document.getElementById("run-jobs").addEventListener("click", runJobs);
  poll();
  setInterval(poll, POLL_MS);
}

document.addEventListener("DOMContentLoaded", start);
