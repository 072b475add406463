/** Small DOM helpers. Server text is only ever set with textContent. */

/** The element with `id`, which index.html must contain. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element as T;
}

/** Shows `text` in `element` (empty text hides message elements through CSS). */
export function setText(element: HTMLElement, text: string): void {
  element.textContent = text;
}

/** Creates an element with a class and text content. */
export function make<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}
