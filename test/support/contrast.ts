import type { Page } from 'playwright-core';

/** A piece of text drawn below the ratio asked for, against what is really behind it. */
export interface LowContrast {
  element: string;
  text: string;
  ratio: number;
  colour: string;
  background: string;
}

/** What `measureTextContrast` found on one page. */
export interface ContrastReport {
  /** How many elements with visible text (or a form field's value) were measured. */
  checked: number;
  /** For each selector asked about: how many measured elements are inside one of its matches. */
  covered: Record<string, number>;
  low: LowContrast[];
}

/**
 * Measures, in the browser, the WCAG contrast ratio of every visible piece of text on the page
 * (each element with a text node of its own, and form fields) against its rendered background:
 * the computed background colours from the element up, laid over each other until an opaque
 * one. Disabled controls are left out, as WCAG leaves them out. A colour the browser reports in
 * a form this cannot read counts as ratio 0, so it shows up rather than passing unseen.
 */
export function measureTextContrast(page: Page, options: { minimum: number; mustCover: string[] }): Promise<ContrastReport> {
  return page.evaluate(({ minimum, mustCover }) => {
    type Rgba = [number, number, number, number];
    const parse = (value: string): Rgba | null => {
      const match = /^rgba?\(([^)]*)\)$/.exec(value.trim());
      if (!match) return null;
      const [r, g, b, a = 1] = match[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
      return [r!, g!, b!, a];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => [0, 1, 2].map((i) => top[i]! * top[3] + bottom[i]! * (1 - top[3])).concat(1) as Rgba;
    const backgroundOf = (element: Element): Rgba | null => {
      const layers: Rgba[] = [];
      for (let at: Element | null = element; at; at = at.parentElement) {
        const colour = parse(getComputedStyle(at).backgroundColor);
        if (!colour) return null;
        if (colour[3] > 0) layers.push(colour);
        if (colour[3] >= 1) break;
      }
      // Nothing opaque up to <html>: the browser's canvas, white.
      return layers.reverse().reduce<Rgba>((below, layer) => over(layer, below), [255, 255, 255, 1]);
    };
    const luminance = ([r, g, b]: Rgba) => {
      const [lr, lg, lb] = [r, g, b].map((c) => c / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * lr! + 0.7152 * lg! + 0.0722 * lb!;
    };
    const ratioOf = (a: Rgba, b: Rgba) => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (light! + 0.05) / (dark! + 0.05);
    };
    const describe = (element: Element) => `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${[...element.classList].map((name) => `.${name}`).join('')}`;
    const hasOwnText = (element: Element) => [...element.childNodes].some((node) => node.nodeType === Node.TEXT_NODE && node.textContent!.trim() !== '');
    const isField = (element: Element) => (element instanceof HTMLInputElement && !['checkbox', 'radio', 'hidden'].includes(element.type)) || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement;

    const measured = [...document.body.querySelectorAll('*')].filter(
      (element) =>
        (hasOwnText(element) || isField(element)) &&
        element.checkVisibility({ opacityProperty: true, visibilityProperty: true }) &&
        !element.closest('button:disabled, input:disabled, select:disabled, textarea:disabled, fieldset:disabled'),
    );
    const low = measured.flatMap((element) => {
      const style = getComputedStyle(element);
      const background = backgroundOf(element);
      const text = parse(style.color);
      const ratio = background && text ? ratioOf(over(text, background), background) : 0;
      if (ratio >= minimum) return [];
      return [{ element: describe(element), text: (element.textContent ?? '').trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, colour: style.color, background: background ? `rgb(${background.slice(0, 3).map(Math.round).join(', ')})` : 'unreadable' }];
    });
    const covered = Object.fromEntries(mustCover.map((selector) => [selector, measured.filter((element) => element.closest(selector)).length]));
    return { checked: measured.length, covered, low };
  }, options);
}
