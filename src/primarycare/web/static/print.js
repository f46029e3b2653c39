// "Print this page" links, without inline script.
document.querySelectorAll("[data-print]").forEach((link) => link.addEventListener("click", (e) => { e.preventDefault(); window.print(); }));
