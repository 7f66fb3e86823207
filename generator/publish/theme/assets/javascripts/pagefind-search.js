// Site search with Pagefind's chunked index, drawn in Material's search box.
// pagefind.js (and the index chunks for the words typed) load on first use only.
(function () {
  "use strict";
  var box = document.querySelector("[data-pagefind-search]");
  if (!box) return;
  var toggle = document.getElementById("__search");
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var src = new URL(box.getAttribute("data-pagefind-src"), document.baseURI);
  var base = new URL("..", src).pathname;
  var engine = null;
  var seq = 0;
  var timer = null;

  function load() {
    if (!engine) {
      engine = import(src.href).then(function (pf) {
        return pf.options({ baseUrl: base, highlightParam: "highlight", excerptLength: 40 }).then(function () {
          pf.init();
          return pf;
        });
      });
    }
    return engine;
  }

  function el(tag, cls, html) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (html !== undefined) node.innerHTML = html;
    return node;
  }

  function item(url, title, excerpt, child) {
    var li = el("li", "md-search-result__item");
    var a = el("a", "md-search-result__link");
    a.href = url;
    var art = el("article", "md-search-result__article md-typeset" + (child ? "" : " md-search-result__article--document"));
    art.appendChild(el(child ? "h2" : "h1", null, title));
    art.appendChild(el("p", "md-search-result__teaser", excerpt));
    a.appendChild(art);
    li.appendChild(a);
    return li;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function run() {
    var query = input.value.trim();
    var mine = ++seq;
    if (!query) {
      meta.textContent = "输入词语开始搜索";
      list.textContent = "";
      return;
    }
    meta.textContent = "正在搜索……";
    load().then(function (pf) {
      return pf.search(query);
    }).then(function (search) {
      if (mine !== seq) return null;
      return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); })).then(function (pages) {
        if (mine !== seq) return;
        meta.textContent = search.results.length ? "找到 " + search.results.length + " 个页面" : "没有找到符合条件的结果";
        list.textContent = "";
        pages.forEach(function (page) {
          list.appendChild(item(page.url, escapeHtml(page.meta.title || page.url), page.excerpt, false));
          (page.sub_results || []).filter(function (s) { return s.url !== page.url; }).slice(0, 3).forEach(function (s) {
            list.appendChild(item(s.url, escapeHtml(s.title), s.excerpt, true));
          });
        });
      });
    }).catch(function () {
      if (mine === seq) meta.textContent = "搜索索引不可用（本地预览不生成索引，请用 python -m generator site 构建）";
    });
  }

  input.addEventListener("focus", function () {
    toggle.checked = true;
    load().catch(function () {});
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  });
  input.addEventListener("keyup", function (e) {
    if (e.key === "Escape") { toggle.checked = false; input.blur(); }
  });
  box.querySelector("form").addEventListener("reset", function () {
    setTimeout(run, 0);
  });
  toggle.addEventListener("change", function () {
    if (toggle.checked) setTimeout(function () { input.focus(); }, 50);
  });

  // Highlight the searched words on the page a result leads to (?highlight=…), loaded only then.
  if (/[?&]highlight=/.test(location.search)) {
    import(new URL("pagefind-highlight.js", src).href).then(function () {
      if (window.PagefindHighlight) new window.PagefindHighlight({ highlightParam: "highlight" });
    }).catch(function () {});
  }
})();
