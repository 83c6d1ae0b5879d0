// 展厅销售: print buttons (quote, finance comparison, model comparison). No inline handlers (CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
