/* The search page: Pagefind's UI, started with the header box's query (?q=). */
(function () {
  "use strict";
  var ui = new PagefindUI({
    element: "#search",
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "Search articles, people, organisations, laws" }
  });
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
