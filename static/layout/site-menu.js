// On phones the site's pages are behind a "Menu" button, so that the header keeps to one row.
const nav = document.querySelector(".site-nav");
const toggle = nav && nav.querySelector(".site-menu-toggle");

function setOpen(open) {
  nav.classList.toggle("menu-open", open);
  toggle.setAttribute("aria-expanded", String(open));
}

if (toggle) {
  nav.classList.add("has-menu");
  toggle.addEventListener("click", () => setOpen(!nav.classList.contains("menu-open")));
  nav.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && nav.classList.contains("menu-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!nav.contains(event.target)) setOpen(false);
  });
}
