/* The search page: Pagefind's UI, started with the header box's query (?q=). */
(function () {
  "use strict";
  var text = "Search articles, people, organisations and laws";
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: text }
  });
  // A visible label for Pagefind's box (its own is a title only).
  var input = document.querySelector("#search input");
  if (input) {
    input.id = "search-page-q";
    var label = document.createElement("label");
    label.htmlFor = input.id;
    label.className = "search-ui__label";
    label.textContent = text;
    document.getElementById("search").before(label);
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
