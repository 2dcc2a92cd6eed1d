// The markup of a scratch cell: the learner's own cell, added below any cell with "+ cell". It is the same
// <sql-cell> as a lesson's (SqlCell.astro), built here because it is made in the browser, with no expectation
// and a Delete button in place of Restore.
import { NODE_OR_ALL } from "../../../shared/api-types.ts";
import type { CellNode } from "./notebook-store.ts";

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function button(className: string, text: string, label?: string): HTMLButtonElement {
  const made = element("button", className, text);
  made.type = "button";
  if (label) made.setAttribute("aria-label", label);
  return made;
}

function nodePicker(node: CellNode): HTMLLabelElement {
  const label = element("label", "sql-cell__node");
  label.append(element("span", "sr-only", "Run on"));
  const select = element("select", "");
  select.setAttribute("aria-label", "Node to run on");
  for (const name of NODE_OR_ALL) {
    const option = element("option", "", name === "all" ? "all nodes" : name);
    option.value = name;
    option.selected = name === node;
    select.append(option);
  }
  label.append(select);
  return label;
}

function bar(node: CellNode): HTMLElement {
  const row = element("div", "sql-cell__bar");
  const tag = element("span", "sql-cell__scratch", "scratch");
  tag.title = "Your own cell: not part of the lesson, Run all or its checks";
  const cancel = button("sql-cell__cancel", "Cancel");
  cancel.hidden = true;
  const run = button("sql-cell__run", " Run");
  run.title = "Run (Shift+Enter runs and moves on, Ctrl+Enter runs and stays)";
  const arrow = element("span", "", "▶");
  arrow.setAttribute("aria-hidden", "true");
  run.prepend(arrow);
  const state = element("span", "sql-cell__state");
  state.setAttribute("aria-live", "polite");
  const actions = element("span", "sql-cell__actions");
  actions.append(
    state,
    cancel,
    button("sql-cell__delete", "Delete", "Delete this scratch cell"),
    button("sql-cell__add", "+ cell", "Add a scratch cell below"),
    run,
  );
  row.append(nodePicker(node), tag, actions);
  return row;
}

function editor(sql: string, node: CellNode): HTMLElement {
  const box = element("div", "sql-cell__editor");
  const layer = element("div", "sql-cell__highlight");
  layer.setAttribute("aria-hidden", "true");
  const input = element("textarea", "sql-cell__input");
  input.spellcheck = false;
  input.autocomplete = "off";
  input.setAttribute("autocapitalize", "off");
  input.placeholder = "Your SQL";
  input.setAttribute("aria-label", `Scratch SQL to run on ${node}`);
  input.value = sql;
  box.append(layer, input);
  return box;
}

/** A scratch <sql-cell>, not yet in the page: its behaviour starts when it is inserted. */
export function createScratchCell(sql: string, node: CellNode): HTMLElement {
  const cell = document.createElement("sql-cell");
  cell.className = "sql-cell sql-cell--scratch";
  cell.dataset["scratch"] = "";
  cell.dataset["node"] = node;
  cell.append(bar(node), editor(sql, node), element("div", "sql-cell__output"));
  return cell;
}
