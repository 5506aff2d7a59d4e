/* The licence page: the Print button needs JavaScript, so it shows only when it works. */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
