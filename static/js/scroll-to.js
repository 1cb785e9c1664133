// Issue 18: a table wider than the screen scrolls in its own box (data-scroll-to="selector");
// it opens scrolled so that the cell the selector names (the matrix: this month's column, the
// first column staying fixed) is in view at the right, the months before it on its left.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-scroll-to]").forEach((box) => {
    const target = box.querySelector(box.dataset.scrollTo);
    if (!target || box.scrollWidth <= box.clientWidth) return;
    const boxLeft = box.getBoundingClientRect().left;
    const right = target.getBoundingClientRect().right - boxLeft + box.scrollLeft;
    box.scrollLeft = Math.max(0, right - box.clientWidth);
  });
});
