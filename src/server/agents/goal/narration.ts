import type { Action } from "./actions";
import type { RefTarget } from "./snapshot";

/**
 * The live card's words for an action, as it happens: "Clicking ‘Add to cart’", "Typing ‘SW1A 1AA’ into ‘Postcode’".
 * Elements are named by their accessible name (what a user reads on the page), never by ref.
 */
export function narrate(action: Action, refs: Map<string, RefTarget>): string {
  const element = (ref: string) => {
    const target = refs.get(ref);
    if (!target) return `element ${ref}`;
    return target.name ? quote(target.name) : `the ${target.role}`;
  };
  switch (action.action) {
    case "click":
      return `Clicking ${element(action.ref)}`;
    case "type":
      return `Typing ${quote(action.text)} into ${element(action.ref)}`;
    case "select":
      return `Choosing ${quote(action.option)} in ${element(action.ref)}`;
    case "press":
      return `Pressing ${action.key}${action.ref ? ` in ${element(action.ref)}` : ""}`;
    case "scroll":
      return `Scrolling ${action.direction}`;
    case "goto":
      return `Opening ${action.url}`;
    case "back":
      return "Going back";
    case "wait_for":
      return action.text ? `Waiting for ${quote(action.text)}` : `Waiting ${action.seconds ?? 1} s`;
    case "answer":
      return "Answering";
    case "give_up":
      return "Giving up";
  }
}

function quote(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return `‘${one.length > 60 ? `${one.slice(0, 59)}…` : one}’`;
}
