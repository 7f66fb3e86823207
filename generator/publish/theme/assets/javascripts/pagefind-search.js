// Site search with Pagefind's chunked index, drawn in Material's search box.
// pagefind.js (and the index chunks for the words typed) load on first use only, with departments.json: the
// departments whose name holds the query are listed first, because the browser's word segmentation
// (Intl.Segmenter) splits some names into single characters and Pagefind alone may rank or miss them.
// Material's bundle turns html.no-js into html.js; department pages load no bundle, and without the class
// Material's CSS hides the search box.
document.documentElement.classList.replace("no-js", "js");
(function () {
  "use strict";
  var box = document.querySelector("[data-pagefind-search]");
  if (!box) return;
  var toggle = document.getElementById("__search");
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var src = new URL(box.getAttribute("data-pagefind-src"), document.baseURI);
  var root = new URL("..", src);
  var base = root.pathname;
  var engine = null;
  var departments = null;
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

  function loadDepartments() {
    if (!departments) {
      departments = fetch(new URL(box.getAttribute("data-departments-src"), document.baseURI).href)
        .then(function (r) { return r.ok ? r.json() : { departments: [] }; })
        .then(function (data) { return data.departments || []; })
        .catch(function () { return []; });
    }
    return departments;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // A result: the page title, then "部门 · 2023年 · 小节" (what the reader needs to tell results apart), then
  // Pagefind's excerpt (HTML with <mark>, escaped by Pagefind).
  function item(url, title, context, excerpt, child) {
    var li = el("li", "md-search-result__item");
    var a = el("a", "md-search-result__link");
    a.href = url;
    var art = el("article", "md-search-result__article md-typeset" + (child ? "" : " md-search-result__article--document"));
    art.appendChild(el(child ? "h2" : "h1", null, title));
    if (context) art.appendChild(el("span", "md-search-result__context", context));
    var teaser = el("p", "md-search-result__teaser");
    teaser.innerHTML = excerpt;
    art.appendChild(teaser);
    a.appendChild(art);
    li.appendChild(a);
    return li;
  }

  function departmentItem(d) {
    var li = el("li", "md-search-result__item search-departments");
    var a = el("a", "md-search-result__link");
    a.href = new URL(d.years[0] + "/" + d.code + "/", root).href;
    var art = el("article", "md-search-result__article md-typeset md-search-result__article--document");
    art.appendChild(el("h1", null, d.name + d.years[0] + "年部门预算"));
    art.appendChild(el("span", "md-search-result__context", "部门 · 主管部门：" + d.supervisor));
    a.appendChild(art);
    li.appendChild(a);
    if (d.years.length > 1) {
      var more = el("p", "md-search-result__teaser", "其他年度：");
      d.years.slice(1).forEach(function (year, i) {
        if (i) more.appendChild(document.createTextNode("、"));
        var y = el("a", null, year + "年");
        y.href = new URL(year + "/" + d.code + "/", root).href;
        more.appendChild(y);
      });
      li.appendChild(more);
    }
    return li;
  }

  // A section's result has the section as its title; the page's own result says which part matched first.
  function context(page, section) {
    var parts = [];
    if (page.meta.department) parts.push(page.meta.department);
    if (page.meta.year) parts.push(page.meta.year + "年");
    if (section) parts.push(section);
    return parts.join(" · ");
  }

  function matching(all, query) {
    var q = query.replace(/\s+/g, "");
    return all.filter(function (d) { return d.name.indexOf(q) >= 0 || d.code === q; }).slice(0, 8);
  }

  // A Chinese term typed as one (租赁费, 工会经费) is split by the browser's Intl.Segmenter into words, often a
  // word and a single character (租赁 / 费); searched as separate words, every 费 on a page matches, and
  // Pagefind's excerpt shows the densest run of them (办公费、取暖费、…) instead of the term. So a query without
  // spaces or quotes is also searched as a phrase (Pagefind's "…": the words adjacent, as typed): the pages
  // holding the phrase come first, with excerpts at the phrase; then the pages that hold the words apart
  // (“三公”经费 is not the phrase 三公经费: the quote mark stands between the words).
  function find(pf, query) {
    if (/[\s"]/.test(query)) return pf.search(query);
    return Promise.all([pf.search('"' + query + '"'), pf.search(query)]).then(function (both) {
      var seen = {};
      both[0].results.forEach(function (r) { seen[r.id] = true; });
      return { results: both[0].results.concat(both[1].results.filter(function (r) { return !seen[r.id]; })) };
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
    Promise.all([loadDepartments(), load().then(function (pf) { return find(pf, query); })]).then(function (found) {
      if (mine !== seq) return null;
      var named = matching(found[0], query);
      var search = found[1];
      return Promise.all(search.results.slice(0, 10).map(function (r) { return r.data(); })).then(function (pages) {
        if (mine !== seq) return;
        var count = [];
        if (named.length) count.push(named.length + " 个部门");
        if (search.results.length) count.push(search.results.length + " 个页面");
        meta.textContent = count.length ? "找到 " + count.join("、") : "没有找到符合条件的结果";
        list.textContent = "";
        named.forEach(function (d) { list.appendChild(departmentItem(d)); });
        pages.forEach(function (page) {
          var first = (page.sub_results || [])[0];
          var section = first && first.url !== page.url && first.title !== page.meta.title ? first.title : "";
          list.appendChild(item(page.url, page.meta.title || page.url, context(page, section), page.excerpt, false));
          (page.sub_results || []).filter(function (s) { return s.url !== page.url && s.title !== page.meta.title; }).slice(0, 3).forEach(function (s) {
            list.appendChild(item(s.url, s.title, context(page, ""), s.excerpt, true));
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
    loadDepartments();
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
