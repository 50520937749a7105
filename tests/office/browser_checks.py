"""What the office's browser tests check on every page (issue 16), from the page's own bounding boxes and axe-core:
nothing overflows the viewport horizontally, no element is drawn over another, no serious or critical accessibility
violation. Kept apart from the tests so a developer can run the same checks against a running site."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parents[1] / "axe" / "node_modules" / "axe-core" / "axe.min.js"

# Elements people read or click in the page's content (not the sidebar, not the fixed bars), whose boxes must not
# cross: two boxes overlap when they share more than a pixel both ways and neither contains the other.
OVERLAPS_JS = """
() => {
  const root = document.querySelector('#content') || document.body;
  const selector = 'a, button, input:not([type=hidden]), select, textarea, label, h1, h2, h3, th, td, img, svg, '
    + '.readonly, p, li';
  const pinned = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const pos = getComputedStyle(e).position;
      if (pos === 'fixed' || pos === 'sticky') return true;
    }
    return false;
  };
  const visible = el => {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || Number(style.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const items = [...root.querySelectorAll(selector)]
    .filter(el => visible(el) && !pinned(el) && !el.closest('.select2-hidden-accessible, template, [x-cloak]'))
    .slice(0, 600)
    .map(el => ({el, r: el.getBoundingClientRect()}));
  const found = [];
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string'
       ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '')
    + ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '"';
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const inside = (p, q) => p.left <= q.left && p.right >= q.right && p.top <= q.top && p.bottom >= q.bottom;
      if (inside(a.r, b.r) || inside(b.r, a.r)) continue;  // an icon inlaid in its input (a date's calendar)
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 1 && h > 1) found.push(name(a.el) + ' x ' + name(b.el));
    }
  }
  return found.slice(0, 20);
}
"""

OVERFLOW_JS = """
() => ({scroll: document.documentElement.scrollWidth, viewport: window.innerWidth,
        wide: [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right
              > window.innerWidth + 1 && getComputedStyle(el).position !== 'fixed').slice(0, 5)
              .map(el => el.tagName.toLowerCase() + '.' + String(el.className).slice(0, 40))})
"""

# A list whose table is wider than its box has columns cut off (scrolled away) at this width: the lists of the
# office fit (fewer, narrower columns, wrapping cells).
CUT_JS = """
() => [...document.querySelectorAll('#result_list')].map(table => {
  const box = table.parentElement;
  return {width: Math.round(table.getBoundingClientRect().width), room: box.clientWidth};
}).filter(t => t.width > t.room + 1)
"""

# Where an open picker's list (select2's dropdown) is drawn.
PICKER_JS = """
() => { const r = document.querySelector('.select2-container--open .select2-dropdown').getBoundingClientRect();
        return {left: Math.round(r.left), right: Math.round(r.right), viewport: window.innerWidth}; }
"""

AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}
"""


def page_problems(page) -> list[str]:
    """Every problem of the page as it is now: horizontal overflow, a list's columns cut, overlapping boxes, serious
    axe violations."""
    problems = []
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow["scroll"] > overflow["viewport"]:
        problems.append(f"overflows horizontally: {overflow['scroll']} > {overflow['viewport']} {overflow['wide']}")
    problems += [f"list columns cut: {cut}" for cut in page.evaluate(CUT_JS)]
    problems += [f"overlap: {pair}" for pair in page.evaluate(OVERLAPS_JS)]
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    problems += [f"axe: {v}" for v in page.evaluate(AXE_JS)]
    return problems
