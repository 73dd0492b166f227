// The API reference page (/docs/): fetches /openapi.json and renders it: the tags and their operations (method,
// path, summary), each a <details> that opens onto its description, parameters, request body and responses, with
// every schema shown as an indented list of fields ($refs resolved); then the WebSocket messages and the shared
// schemas. Built with DOM calls only (the page's CSP allows no inline script or style, and no HTML is parsed from
// the document's text).

import { initTheme } from "../js/theme.js";

const SPEC_URL = "/openapi.json";
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
/** Schemas nested deeper than this are shown by name only (links to the Schemas section). */
const MAX_DEPTH = 7;

let spec = null;
/** Every rendered operation: its <details> and the text the filter searches. */
const operations = [];

// ---- small DOM helpers --------------------------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function slug(text) {
  return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

const schemaAnchor = (name) => `schema-${name}`;

/**
 * Inline text with the little markup the document uses: `code`, **bold**, paragraphs split by blank lines and
 * "- " list items. A code span naming a schema (`#/components/schemas/X` or a known schema name) links to it.
 */
function inline(text) {
  const parts = [];
  const pattern = /(\*\*[^*]+\*\*|`[^`]+`)/g;
  let last = 0;
  for (const match of String(text).matchAll(pattern)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    const token = match[0];
    if (token.startsWith("**")) {
      parts.push(el("strong", { text: token.slice(2, -2) }));
    } else {
      const code = token.slice(1, -1);
      const schemaName = code.startsWith("#/components/schemas/") ? code.slice(21)
        : (/^Ws[A-Z]\w*$/.test(code) && spec?.components?.schemas?.[code] ? code : null);
      const codeNode = el("code", { text: schemaName && code.startsWith("#/") ? schemaName : code });
      parts.push(schemaName ? el("a", { href: `#${schemaAnchor(schemaName)}` }, codeNode) : codeNode);
    }
    last = match.index + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function prose(text, className = "prose") {
  const wrap = el("div", { class: className });
  if (!text) return wrap;
  for (const block of String(text).split(/\n\s*\n/)) {
    const lines = block.split("\n");
    if (lines.every((line) => /^\s*- /.test(line))) {
      wrap.append(el("ul", {}, lines.map((line) => el("li", {}, inline(line.replace(/^\s*- /, ""))))));
    } else {
      wrap.append(el("p", {}, inline(lines.join(" "))));
    }
  }
  return wrap;
}

// ---- $refs ----------------------------------------------------------------------------------------------------------

function pointer(ref) {
  if (typeof ref !== "string" || !ref.startsWith("#/")) return undefined;
  return ref.slice(2).split("/").reduce((node, part) => {
    const key = part.replace(/~1/g, "/").replace(/~0/g, "~");
    return node == null ? undefined : node[key];
  }, spec);
}

const refName = (ref) => ref.split("/").pop();

/** A response, parameter or request body with its $ref (if any) followed. */
function deref(node) {
  let current = node;
  for (let i = 0; current && current.$ref && i < 10; i++) current = pointer(current.$ref);
  return current || {};
}

// ---- schemas as field lists ------------------------------------------------------------------------------------------

/** The schema's `[X, null]` pair read as a nullable X, or null when it is no such pair. */
function nullablePair(list) {
  if (!Array.isArray(list) || list.length !== 2) return null;
  const isNull = (s) => s && s.type === "null";
  if (isNull(list[1]) && !isNull(list[0])) return list[0];
  if (isNull(list[0]) && !isNull(list[1])) return list[1];
  return null;
}

/**
 * A schema flattened for display: $refs followed (noting the name), allOf merged, `anyOf: [X, null]` read as a
 * nullable X. Returns { schema, name, nullable }.
 */
function flatten(schema, seen) {
  let name = null;
  let nullable = false;
  let current = schema || {};
  const extraDescription = current.description;
  for (let i = 0; current.$ref && i < 10; i++) {
    name = name || refName(current.$ref);
    const target = pointer(current.$ref);
    if (!target) break;
    current = { ...target, ...Object.fromEntries(Object.entries(current).filter(([k]) => k !== "$ref")) };
  }
  const pair = nullablePair(current.anyOf) || nullablePair(current.oneOf);
  if (pair) {
    nullable = true;
    const inner = flatten(pair, seen);
    return {
      schema: { ...inner.schema, description: current.description || inner.schema.description },
      name: name || inner.name,
      nullable: true,
    };
  }
  if (Array.isArray(current.allOf)) {
    const merged = { ...current, properties: { ...(current.properties || {}) }, required: [...(current.required || [])] };
    delete merged.allOf;
    for (const part of current.allOf) {
      const flat = flatten(part, seen).schema;
      if (!merged.type && flat.type) merged.type = flat.type;
      Object.assign(merged.properties, flat.properties || {});
      merged.required.push(...(flat.required || []));
      if (!merged.description && flat.description) merged.description = flat.description;
      if (flat.additionalProperties !== undefined && merged.additionalProperties === undefined) {
        merged.additionalProperties = flat.additionalProperties;
      }
    }
    if (Object.keys(merged.properties).length && !merged.type) merged.type = "object";
    current = merged;
  }
  const types = Array.isArray(current.type) ? current.type : current.type ? [current.type] : [];
  if (types.includes("null")) nullable = true;
  if (extraDescription && !current.description) current = { ...current, description: extraDescription };
  return { schema: current, name, nullable };
}

function typesOf(schema) {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.filter((t) => t !== "null");
}

/** A short label for a schema's type: `string (uuid)`, `array of Order`, `map of number`, `Order`, … */
function typeLabel(flat, seen) {
  const { schema, name } = flat;
  const types = typesOf(schema);
  if (types.includes("array") && schema.items) {
    const item = flatten(schema.items, seen);
    return `array of ${item.name || typeLabel(item, seen)}`;
  }
  if (name && (types.includes("object") || schema.properties || schema.oneOf || schema.anyOf)) return name;
  if (types.includes("object") || schema.properties) {
    if (schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties) {
      const value = flatten(schema.additionalProperties, seen);
      return `map of ${value.name || typeLabel(value, seen)}`;
    }
    return "object";
  }
  if (schema.oneOf || schema.anyOf) return "one of";
  let label = types.join(" | ") || (schema.const !== undefined ? typeof schema.const : "any");
  if (schema.format) label += ` (${schema.format})`;
  return label;
}

function constraints(schema) {
  const notes = [];
  if (schema.const !== undefined) notes.push(`= ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum)) {
    notes.push(`one of ${schema.enum.filter((v) => v !== null).map((v) => JSON.stringify(v)).join(", ")}`);
  }
  if (schema.minimum !== undefined) notes.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) notes.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) notes.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) notes.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minLength !== undefined) notes.push(`min length ${schema.minLength}`);
  if (schema.maxLength !== undefined) notes.push(`max length ${schema.maxLength}`);
  if (schema.minItems !== undefined) notes.push(`min ${schema.minItems} items`);
  if (schema.maxItems !== undefined) notes.push(`max ${schema.maxItems} items`);
  if (schema.pattern !== undefined) notes.push(`pattern ${schema.pattern}`);
  if (schema.not && schema.not.const !== undefined) notes.push(`not ${JSON.stringify(schema.not.const)}`);
  if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
  if (Array.isArray(schema.examples) && schema.examples.length) {
    notes.push(`e.g. ${schema.examples.map((v) => JSON.stringify(v)).join(", ")}`);
  }
  return notes;
}

/** The line describing one value: type (linking a named schema), flags and constraints. */
function typeLine(flat, seen, { required = null } = {}) {
  const line = el("span", { class: "type-line" });
  const label = typeLabel(flat, seen);
  const named = flat.name && label === flat.name;
  const itemName = label.startsWith("array of ") && spec.components?.schemas?.[label.slice(9)] ? label.slice(9) : null;
  if (named) {
    line.append(el("a", { class: "type type-ref", href: `#${schemaAnchor(flat.name)}` }, label));
  } else if (itemName) {
    line.append(el("span", { class: "type" }, "array of ",
      el("a", { class: "type-ref", href: `#${schemaAnchor(itemName)}` }, itemName)));
  } else {
    line.append(el("span", { class: "type" }, label));
  }
  if (flat.nullable) line.append(el("span", { class: "flag flag-null", text: "nullable" }));
  if (required === true) line.append(el("span", { class: "flag flag-req", text: "required" }));
  if (required === false) line.append(el("span", { class: "flag flag-opt", text: "optional" }));
  for (const note of constraints(flat.schema)) line.append(el("span", { class: "constraint", text: note }));
  return line;
}

/** The nested part of a schema (its fields, its items' fields, its variants), or null for a scalar. */
function schemaChildren(flat, seen, depth) {
  const { schema, name } = flat;
  if (depth > MAX_DEPTH || (name && seen.has(name))) return null;
  const nextSeen = name ? new Set([...seen, name]) : seen;
  const types = typesOf(schema);

  if (schema.properties && Object.keys(schema.properties).length) {
    const required = new Set(schema.required || []);
    const list = el("ul", { class: "fields" });
    for (const [key, value] of Object.entries(schema.properties)) {
      list.append(fieldItem(key, value, required.has(key), nextSeen, depth + 1));
    }
    if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
      list.append(fieldItem("(any other key)", schema.additionalProperties, false, nextSeen, depth + 1));
    }
    return list;
  }
  if (types.includes("array") && schema.items) {
    const item = flatten(schema.items, nextSeen);
    return schemaChildren(item, nextSeen, depth + 1);
  }
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
    const value = flatten(schema.additionalProperties, nextSeen);
    return schemaChildren(value, nextSeen, depth + 1);
  }
  const variants = schema.oneOf || schema.anyOf;
  if (Array.isArray(variants)) {
    const list = el("ul", { class: "fields variants" });
    variants.forEach((variant, index) => {
      const inner = flatten(variant, nextSeen);
      const item = el("li", { class: "field" },
        el("div", { class: "field-head" }, el("span", { class: "field-name variant", text: `option ${index + 1}` }),
          typeLine(inner, nextSeen)));
      if (inner.schema.description && !inner.name) item.append(prose(inner.schema.description, "field-desc"));
      const children = schemaChildren(inner, nextSeen, depth + 1);
      if (children) item.append(children);
      list.append(item);
    });
    return list;
  }
  return null;
}

function fieldItem(key, value, required, seen, depth) {
  const flat = flatten(value, seen);
  const item = el("li", { class: "field" },
    el("div", { class: "field-head" }, el("code", { class: "field-name", text: key }),
      typeLine(flat, seen, { required })));
  const description = value.description || flat.schema.description;
  if (description) item.append(prose(description, "field-desc"));
  const children = schemaChildren(flat, seen, depth);
  if (children) item.append(children);
  return item;
}

/** A whole schema: its type line, its description and its fields. */
function schemaBlock(schema, { showDescription = true } = {}) {
  const seen = new Set();
  const flat = flatten(schema, seen);
  const block = el("div", { class: "schema" }, el("div", { class: "schema-head" }, typeLine(flat, seen)));
  if (showDescription && flat.schema.description) block.append(prose(flat.schema.description, "field-desc"));
  const children = schemaChildren(flat, seen, 0);
  if (children) block.append(children);
  return block;
}

// ---- operations ---------------------------------------------------------------------------------------------------

function methodBadge(method) {
  return el("span", { class: `method method-${method}`, text: method.toUpperCase() });
}

function statusClass(code) {
  const first = String(code)[0];
  return `status status-${/[1-5]/.test(first) ? first : "x"}xx`;
}

function section(title, ...content) {
  return el("section", { class: "op-section" }, el("h4", { text: title }), ...content);
}

function parametersSection(op, pathItem) {
  const params = [...(pathItem.parameters || []), ...(op.parameters || [])].map(deref);
  if (!params.length) return null;
  const list = el("ul", { class: "fields params" });
  for (const param of params) {
    const flat = flatten(param.schema || {}, new Set());
    const item = el("li", { class: "field" },
      el("div", { class: "field-head" },
        el("code", { class: "field-name", text: param.name }),
        el("span", { class: `param-in param-in-${param.in}`, text: param.in }),
        typeLine(flat, new Set(), { required: !!param.required })));
    if (param.description) item.append(prose(param.description, "field-desc"));
    list.append(item);
  }
  return section("Parameters", list);
}

function contentBlocks(content) {
  const blocks = [];
  for (const [type, media] of Object.entries(content || {})) {
    const block = el("div", { class: "media" }, el("div", { class: "media-type" }, el("code", { text: type })));
    if (media.schema) block.append(schemaBlock(media.schema));
    const example = media.example !== undefined ? media.example
      : media.examples ? Object.values(media.examples)[0]?.value : undefined;
    if (example !== undefined) {
      block.append(el("details", { class: "example" }, el("summary", { text: "Example" }),
        el("pre", { class: "code" }, el("code", { text: JSON.stringify(example, null, 2) }))));
    }
    blocks.push(block);
  }
  return blocks;
}

function requestBodySection(op) {
  if (!op.requestBody) return null;
  const body = deref(op.requestBody);
  const head = el("p", { class: "muted" }, body.required ? "Required." : "Optional.");
  return section("Request body", head, body.description ? prose(body.description) : null,
    ...contentBlocks(body.content));
}

function responsesSection(op) {
  const list = el("div", { class: "responses" });
  for (const [code, raw] of Object.entries(op.responses || {})) {
    const response = deref(raw);
    const row = el("div", { class: "response" },
      el("div", { class: "response-head" }, el("span", { class: statusClass(code), text: code }),
        el("div", { class: "response-desc" }, inline(response.description || ""))));
    const headers = Object.entries(response.headers || {});
    if (headers.length) {
      const list = el("ul", { class: "fields headers" });
      for (const [name, header] of headers) {
        const h = deref(header);
        const item = el("li", { class: "field" },
          el("div", { class: "field-head" }, el("code", { class: "field-name", text: name }),
            el("span", { class: "param-in param-in-header", text: "header" }),
            typeLine(flatten(h.schema || {}, new Set()), new Set())));
        if (h.description) item.append(prose(h.description, "field-desc"));
        list.append(item);
      }
      row.append(list);
    }
    row.append(...contentBlocks(response.content));
    list.append(row);
  }
  return section("Responses", list);
}

function securityNote(op) {
  const security = op.security !== undefined ? op.security : spec.security || [];
  const open = security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0);
  return el("p", { class: "auth-note" },
    el("span", { class: open ? "badge" : "badge badge-accent", text: open ? "No token" : "Bearer token" }),
    " ", open ? "This route needs no Authorization header." : "Send Authorization: Bearer <token>.");
}

function websocketMessages(op) {
  const messages = op["x-websocket-messages"];
  if (!messages) return null;
  const lists = [];
  for (const [direction, title] of [["server", "Server → client"], ["client", "Client → server"]]) {
    const refs = messages[direction] || [];
    if (!refs.length) continue;
    lists.push(el("p", { class: "ws-list" }, el("strong", { text: `${title}: ` }),
      refs.map((ref, i) => [i ? ", " : "", el("a", { href: `#ws-${refName(ref.$ref)}` },
        el("code", { text: refName(ref.$ref) }))])));
  }
  return section("Messages", ...lists, el("p", {}, el("a", { href: "#websocket-messages", text: "All WebSocket messages, with their fields" })));
}

function operationBody(path, method, op, pathItem) {
  return el("div", { class: "op-body" },
    op.description ? prose(op.description) : null,
    securityNote(op),
    parametersSection(op, pathItem),
    requestBodySection(op),
    responsesSection(op),
    websocketMessages(op),
    el("p", { class: "op-id" }, "operationId ", el("code", { text: op.operationId || `${method} ${path}` })));
}

/** A <details> whose body is built the first time it opens. */
function lazyDetails(attrs, summaryChildren, build) {
  const details = el("details", attrs, el("summary", {}, summaryChildren));
  let built = false;
  const ensure = () => {
    if (built) return;
    built = true;
    details.append(build());
  };
  details.addEventListener("toggle", () => { if (details.open) ensure(); });
  details.ensureBuilt = ensure;
  return details;
}

function operationDetails(path, method, op, pathItem) {
  const id = `op-${slug(op.operationId || `${method}-${path}`)}`;
  const summary = [
    el("span", { class: "op-line" }, methodBadge(method), el("code", { class: "op-path", text: path })),
    el("span", { class: "op-summary", text: op.summary || "" }),
    op.deprecated ? el("span", { class: "badge badge-warn", text: "deprecated" }) : null,
  ];
  const details = lazyDetails({ class: "op", id }, summary, () => operationBody(path, method, op, pathItem));
  operations.push({
    details,
    tag: (op.tags && op.tags[0]) || "Other",
    text: [method, path, op.summary, op.operationId, op.description, ...(op.tags || [])].join(" ").toLowerCase(),
  });
  return details;
}

// ---- page ---------------------------------------------------------------------------------------------------------

function renderIntro() {
  const info = spec.info || {};
  const intro = document.getElementById("docs-intro");
  intro.replaceChildren(
    el("div", { class: "page-head" },
      el("h1", { text: info.title || "API" }),
      el("span", { class: "badge", text: `v${info.version || "?"}` }),
      el("span", { class: "badge badge-accent", text: `OpenAPI ${spec.openapi || ""}` })),
    info.summary ? el("p", { class: "lead", text: info.summary }) : null,
    prose(info.description || ""));
}

function collectTags() {
  const declared = (spec.tags || []).map((tag) => ({ ...tag, ops: [] }));
  const byName = new Map(declared.map((tag) => [tag.name, tag]));
  for (const [path, pathItem] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const op = pathItem[method];
      if (!op) continue;
      const name = (op.tags && op.tags[0]) || "Other";
      if (!byName.has(name)) {
        const tag = { name, ops: [] };
        byName.set(name, tag);
        declared.push(tag);
      }
      byName.get(name).ops.push({ path, method, op, pathItem });
    }
  }
  return declared.filter((tag) => tag.ops.length);
}

function wsMessageRefs() {
  const found = { server: [], client: [] };
  for (const pathItem of Object.values(spec.paths || {})) {
    for (const method of METHODS) {
      const messages = pathItem[method]?.["x-websocket-messages"];
      if (!messages) continue;
      for (const direction of ["server", "client"]) {
        for (const ref of messages[direction] || []) {
          const name = refName(ref.$ref);
          if (!found[direction].includes(name)) found[direction].push(name);
        }
      }
    }
  }
  return found;
}

function messageTypeOf(name) {
  const flat = flatten({ $ref: `#/components/schemas/${name}` }, new Set()).schema;
  return flat.properties?.type?.const ?? null;
}

function renderWebSocket(content, nav) {
  const refs = wsMessageRefs();
  if (!refs.server.length && !refs.client.length) return;
  const sectionNode = el("section", { class: "docs-tag", id: "websocket-messages" },
    el("h2", { text: "WebSocket messages" }),
    el("p", { class: "muted" }, "Sent over ", el("code", { text: "/api/ws" }),
      " as JSON text frames. Every message has a ", el("code", { text: "type" }), "."));
  for (const [direction, title] of [["server", "Server → client"], ["client", "Client → server"]]) {
    if (!refs[direction].length) continue;
    const group = el("div", { class: "op-list" });
    for (const name of refs[direction]) {
      const type = messageTypeOf(name);
      const details = lazyDetails({ class: "op ws-message", id: `ws-${name}` }, [
        el("span", { class: "op-line" },
          el("span", { class: `method method-ws-${direction}`, title: direction === "server" ? "Server to client" : "Client to server" },
            el("span", { "aria-hidden": "true", text: direction === "server" ? "S→C" : "C→S" }),
            el("span", { class: "visually-hidden", text: direction === "server" ? "Server to client:" : "Client to server:" })),
          el("code", { class: "op-path", text: type ?? name })),
        el("span", { class: "op-summary", text: name }),
      ], () => el("div", { class: "op-body" }, schemaBlock({ $ref: `#/components/schemas/${name}` })));
      operations.push({ details, tag: "WebSocket messages", text: `${name} ${type} websocket ${direction}`.toLowerCase() });
      group.append(details);
    }
    sectionNode.append(el("h3", { class: "group-title", text: title }), group);
  }
  content.append(sectionNode);
  nav.append(el("li", {}, el("a", { href: "#websocket-messages" }, "WebSocket messages",
    el("span", { class: "nav-count", text: String(refs.server.length + refs.client.length) }))));
}

function renderSchemas(content, nav) {
  const schemas = spec.components?.schemas || {};
  const names = Object.keys(schemas);
  if (!names.length) return;
  const group = el("div", { class: "op-list" });
  for (const name of names) {
    const details = lazyDetails({ class: "op schema-item", id: schemaAnchor(name) },
      [el("span", { class: "op-line" }, el("code", { class: "op-path", text: name })),
        el("span", { class: "op-summary", text: firstSentence(schemas[name].description) })],
      () => el("div", { class: "op-body" }, schemaBlock({ $ref: `#/components/schemas/${name}` })));
    operations.push({ details, tag: "Schemas", text: `${name} ${schemas[name].description || ""}`.toLowerCase() });
    group.append(details);
  }
  content.append(el("section", { class: "docs-tag", id: "schemas" }, el("h2", { text: "Schemas" }),
    el("p", { class: "muted", text: "The shared shapes the operations and messages refer to." }), group));
  nav.append(el("li", {}, el("a", { href: "#schemas" }, "Schemas", el("span", { class: "nav-count", text: String(names.length) }))));
}

function firstSentence(text) {
  if (!text) return "";
  const plain = String(text).replace(/`/g, "").replace(/\*\*/g, "");
  const end = plain.search(/[.:](\s|$)/);
  return end > 0 ? plain.slice(0, end + 1) : plain;
}

function render() {
  renderIntro();
  const content = document.getElementById("docs-content");
  const nav = el("ul", { class: "nav-list" });
  content.replaceChildren();
  for (const tag of collectTags()) {
    const id = `tag-${slug(tag.name)}`;
    const list = el("div", { class: "op-list" });
    for (const { path, method, op, pathItem } of tag.ops) list.append(operationDetails(path, method, op, pathItem));
    content.append(el("section", { class: "docs-tag", id, "data-tag": tag.name },
      el("h2", { text: tag.name }), tag.description ? prose(tag.description, "muted") : null, list));
    nav.append(el("li", {}, el("a", { href: `#${id}` }, tag.name,
      el("span", { class: "nav-count", text: String(tag.ops.length) }))));
  }
  renderWebSocket(content, nav);
  renderSchemas(content, nav);
  content.append(el("p", { class: "empty-note", id: "docs-empty", hidden: true, text: "Nothing matches the filter." }));
  document.getElementById("docs-nav").replaceChildren(el("h2", { class: "nav-title", text: "Sections" }), nav);
  const count = operations.filter((o) => o.tag !== "Schemas" && o.tag !== "WebSocket messages").length;
  document.getElementById("docs-count").textContent = `${count} operations`;
}

// ---- filter, expand, deep links -------------------------------------------------------------------------------------

function applyFilter(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const entry of operations) {
    const match = words.every((word) => entry.text.includes(word));
    entry.details.hidden = !match;
    if (match) shown++;
  }
  for (const sectionNode of document.querySelectorAll(".docs-tag")) {
    sectionNode.hidden = !sectionNode.querySelector("details.op:not([hidden])");
  }
  document.getElementById("docs-empty").hidden = shown > 0;
}

function setAll(open) {
  for (const entry of operations) {
    if (entry.tag === "Schemas" || entry.details.hidden) continue;
    if (open) entry.details.ensureBuilt();
    entry.details.open = open;
  }
}

/** Opens what the URL's fragment names (an operation, a message, a schema, or a section) and brings it into view. */
function followHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  if (!target) return;
  if (target.hidden || target.closest("[hidden]")) {
    const filter = document.getElementById("docs-filter");
    filter.value = "";
    applyFilter("");
  }
  if (target.tagName === "DETAILS") {
    target.ensureBuilt?.();
    target.open = true;
    target.querySelector("summary")?.focus({ preventScroll: true });
  }
  target.scrollIntoView({ block: "start" });
}

async function main() {
  initTheme();
  const content = document.getElementById("docs-content");
  try {
    const response = await fetch(SPEC_URL, { headers: { Accept: "application/json" }, cache: "no-cache" });
    if (!response.ok) throw new Error(`${SPEC_URL} answered ${response.status}`);
    spec = await response.json();
  } catch (error) {
    content.replaceChildren(el("div", { class: "card card-body error-note", role: "alert" },
      el("strong", { text: "The API description could not be loaded. " }), String(error.message || error), " ",
      el("a", { href: SPEC_URL, text: "Open openapi.json" })));
    return;
  }
  render();
  const filter = document.getElementById("docs-filter");
  filter.disabled = false;
  filter.addEventListener("input", () => applyFilter(filter.value));
  filter.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && filter.value) {
      filter.value = "";
      applyFilter("");
    }
  });
  document.getElementById("expand-all").addEventListener("click", () => setAll(true));
  document.getElementById("collapse-all").addEventListener("click", () => setAll(false));
  for (const id of ["expand-all", "collapse-all"]) document.getElementById(id).disabled = false;
  document.getElementById("skip-link").addEventListener("click", () => document.getElementById("docs-main").focus());
  window.addEventListener("hashchange", followHash);
  followHash();
}

main();
