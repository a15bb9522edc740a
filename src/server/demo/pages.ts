import {
  type DemoProduct,
  deliveryEstimateText,
  ESTIMATE_QUANTITIES,
  FAILING_SLUG,
  findProduct,
  formatPrice,
  MISSING_SLUG,
  MOVED_SLUG,
  MOVED_TO,
  PAGE_SIZE,
  PRODUCTS,
  SLOW_MS,
  SLOW_SLUGS,
} from "./catalog";

/**
 * The bundled demo shop ("Fieldstone Goods") as plain HTML: no scripts, no assets, styles inline, so both engines
 * see the same page and the site works offline. Route handlers under src/app/demo serve it; the measuring script
 * serves the same function from a plain HTTP server.
 */

export interface DemoOptions {
  /** How long the deliberately slow products take; 0 to measure engines without the staged delays. */
  slowMs?: number;
  signal?: AbortSignal;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE = `
  :root { color-scheme: light; --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --accent: #2f6f5e; --bg: #fafaf7; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header.site { background: #fff; border-bottom: 1px solid var(--line); }
  header.site .wrap { display: flex; align-items: center; justify-content: space-between; gap: 16px; }
  .wrap { max-width: 1040px; margin: 0 auto; padding: 16px 24px; }
  .brand { font-weight: 700; letter-spacing: .02em; color: var(--accent); text-decoration: none; font-size: 1.15rem; }
  nav.main a { color: var(--muted); margin-left: 18px; text-decoration: none; }
  form.search { display: flex; gap: 8px; }
  form.search input { padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; min-width: 220px; font: inherit; }
  button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 8px 14px; font: inherit; cursor: pointer; text-decoration: none; }
  h1 { font-size: 1.9rem; line-height: 1.2; margin: 8px 0 12px; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 16px; list-style: none; padding: 0; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; }
  .card a { color: var(--ink); text-decoration: none; font-weight: 600; }
  .swatch { height: 96px; border-radius: 8px; margin-bottom: 12px; }
  .price { font-weight: 700; color: var(--ink); font-size: 1.1rem; }
  .rating { color: #8a6d1d; }
  .stock.in { color: var(--accent); } .stock.out { color: #a61b1b; }
  .muted, .breadcrumbs { color: var(--muted); font-size: .92rem; }
  .breadcrumbs a { color: var(--muted); }
  .product { display: grid; grid-template-columns: 1fr 1fr; gap: 32px; align-items: start; }
  .product .swatch { height: 320px; }
  .categories { display: flex; gap: 8px; list-style: none; padding: 0; flex-wrap: wrap; }
  .categories li { background: #eef2ef; border-radius: 999px; padding: 2px 10px; font-size: .85rem; }
  .pagination { display: flex; gap: 8px; align-items: center; margin: 24px 0; }
  .pagination a, .pagination span { padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; text-decoration: none; color: var(--ink); background: #fff; }
  .pagination [aria-current] { background: var(--accent); color: #fff; border-color: var(--accent); }
  form.estimate { margin-top: 24px; padding: 16px; background: #fff; border: 1px solid var(--line); border-radius: 10px; display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; }
  form.estimate h2 { flex-basis: 100%; font-size: 1.05rem; margin: 0; }
  form.estimate select, form.estimate input { padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
  form.estimate input { width: 9em; }
  .estimate-result { flex-basis: 100%; margin: 0; font-weight: 600; }
  footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); margin-top: 40px; }
`;

const SWATCHES = ["#d8c3a5", "#8e8d8a", "#e98074", "#c4d7b2", "#a3b9c9", "#e6d5b8", "#b5a397", "#9fb8ad"];
const swatch = (p: DemoProduct) => SWATCHES[PRODUCTS.indexOf(p) % SWATCHES.length]!;

function layout(options: { title: string; description: string; canonical: string; body: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)} · Fieldstone Goods</title>
<meta name="description" content="${esc(options.description)}">
<link rel="canonical" href="${esc(options.canonical)}">
<style>${STYLE}</style>
</head>
<body>
<header class="site"><div class="wrap">
  <a class="brand" href="/demo">Fieldstone Goods</a>
  <form class="search" action="/demo/search" method="get" role="search">
    <input id="q" name="q" type="search" placeholder="Search the shop" aria-label="Search the shop">
    <button id="search-button" type="submit">Search</button>
  </form>
  <nav class="main"><a href="/demo/products">All products</a><a href="/demo">About</a></nav>
</div></header>
<main class="wrap">
${options.body}
</main>
<footer><div class="wrap">Fieldstone Goods is fleetdeck's bundled demo shop: every page is served by this app, no network needed.</div></footer>
</body>
</html>`;
}

const stars = (rating: number) => "★".repeat(Math.round(rating)) + "☆".repeat(5 - Math.round(rating));

function card(p: DemoProduct): string {
  return `<li class="card product-card">
  <div class="swatch" style="background:${swatch(p)}"></div>
  <a class="product-link" href="/demo/products/${p.slug}">${esc(p.name)}</a>
  <div><span class="price">${formatPrice(p.priceCents)}</span> · <span class="rating" data-rating="${p.rating.toFixed(1)}">${stars(p.rating)} ${p.rating.toFixed(1)}</span></div>
</li>`;
}

function home(): string {
  return layout({
    title: "Home",
    description: "Fieldstone Goods: furniture, lighting and kitchen things made from natural materials.",
    canonical: "/demo",
    body: `<h1>Things made to last</h1>
<p class="muted">48 products in oak, walnut, linen, copper, slate, ceramic, wool and bamboo. Browse the <a href="/demo/products">catalogue</a> or search above.</p>
<h2>Customer favourites</h2>
<ul class="grid">${[...PRODUCTS]
      .sort((a, b) => b.rating - a.rating)
      .slice(0, 4)
      .map(card)
      .join("")}</ul>`,
  });
}

function listing(pageNumber: number): { status: number; html: string } {
  const pages = Math.ceil(PRODUCTS.length / PAGE_SIZE);
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > pages) return notFoundPage();
  const items = PRODUCTS.slice((pageNumber - 1) * PAGE_SIZE, pageNumber * PAGE_SIZE);
  const link = (n: number, label: string, cls: string) =>
    `<a class="${cls}" href="/demo/products?page=${n}">${label}</a>`;
  const nav = [
    pageNumber > 1 ? link(pageNumber - 1, "Previous", "prev-page") : "",
    ...Array.from({ length: pages }, (_, i) =>
      i + 1 === pageNumber ? `<span aria-current="page">${i + 1}</span>` : link(i + 1, String(i + 1), "page-number"),
    ),
    pageNumber < pages ? link(pageNumber + 1, "Next", "next-page") : "",
  ].join("");
  return {
    status: 200,
    html: layout({
      title: `All products, page ${pageNumber}`,
      description: `Page ${pageNumber} of ${pages} of the Fieldstone Goods catalogue.`,
      canonical: `/demo/products?page=${pageNumber}`,
      body: `<p class="breadcrumbs"><a href="/demo">Home</a> / All products</p>
<h1>All products</h1>
<p class="muted">Showing ${items.length} of ${PRODUCTS.length} · page ${pageNumber} of ${pages}</p>
<ul class="grid">${items.map(card).join("")}</ul>
<nav class="pagination" aria-label="Pages">${nav}</nav>`,
    }),
  };
}

function productPage(p: DemoProduct): string {
  const stock =
    p.stock > 0 ? `<p class="stock in">In stock (${p.stock} left)</p>` : `<p class="stock out">Out of stock</p>`;
  return layout({
    title: p.name,
    description: `${p.name}: ${formatPrice(p.priceCents)}. ${p.description}`,
    canonical: `/demo/products/${p.slug}`,
    body: `<p class="breadcrumbs"><a href="/demo">Home</a> / <a href="/demo/products">All products</a> / ${esc(p.categories[0]!)}</p>
<article class="product" itemscope itemtype="https://schema.org/Product">
  <div class="swatch" style="background:${swatch(p)}" role="img" aria-label="${esc(p.name)}"></div>
  <div>
    <h1 itemprop="name">${esc(p.name)}</h1>
    <p class="price" itemprop="price" content="${(p.priceCents / 100).toFixed(2)}">${formatPrice(p.priceCents)}</p>
    <p class="rating" data-rating="${p.rating.toFixed(1)}">${stars(p.rating)} ${p.rating.toFixed(1)} <span class="muted">(${p.reviews} reviews)</span></p>
    ${stock}
    <p class="description" itemprop="description">${esc(p.description)}</p>
    <ul class="categories">${p.categories.map((c) => `<li class="category">${esc(c)}</li>`).join("")}</ul>
    <p class="delivery" aria-live="polite">Checking delivery…</p>
    <button type="button" ${p.stock > 0 ? "" : "disabled"}>Add to basket</button>
    ${estimateForm(p)}
  </div>
</article>
<script>
  // Like a real shop's delivery widget: it answers a moment after the page has loaded.
  setTimeout(() => {
    const el = document.querySelector(".delivery");
    el.textContent = ${JSON.stringify(p.stock > 0 ? `Delivery in ${2 + (p.reviews % 4)} working days` : "Back in stock soon")};
    el.classList.add("ready");
  }, ${800 + ((p.reviews * 37) % 1200)});
</script>`,
  });
}

/** Placeholder the estimate sentences carry for the postcode, which the page fills in as text. */
const POSTCODE_SLOT = "{postcode}";

/**
 * A small form for goal-driven agents to work: pick a quantity, type a postcode, press "Estimate delivery", read the
 * answer that appears (computed in the page from sentences made here, so catalog.ts stays the one source of them).
 */
function estimateForm(p: DemoProduct): string {
  const sentences = Object.fromEntries(ESTIMATE_QUANTITIES.map((q) => [q, deliveryEstimateText(p, q, POSTCODE_SLOT)]));
  return `<form class="estimate" aria-labelledby="estimate-title">
      <h2 id="estimate-title">Delivery estimate</h2>
      <label for="estimate-quantity">Quantity</label>
      <select id="estimate-quantity" name="quantity">${ESTIMATE_QUANTITIES.map((q) => `<option value="${q}">${q}</option>`).join("")}</select>
      <label for="estimate-postcode">Postcode</label>
      <input id="estimate-postcode" name="postcode" autocomplete="postal-code">
      <button type="submit">Estimate delivery</button>
      <p class="estimate-result" role="status"></p>
    </form>
    <script>
      (() => {
        const sentences = ${JSON.stringify(sentences).replace(/</g, "\\u003c")};
        const form = document.currentScript.previousElementSibling;
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          const postcode = form.elements.postcode.value.trim();
          const result = form.querySelector(".estimate-result");
          result.textContent = postcode
            ? sentences[form.elements.quantity.value].replace(${JSON.stringify(POSTCODE_SLOT)}, postcode)
            : "Enter a postcode to see an estimate";
          result.classList.add("ready");
        });
      })();
    </script>`;
}

function searchPage(q: string): string {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const hits = words.length
    ? PRODUCTS.filter((p) => words.every((w) => `${p.name} ${p.categories.join(" ")}`.toLowerCase().includes(w)))
    : [];
  return layout({
    title: `Search: ${q}`,
    description: `Search results for ${q}.`,
    canonical: `/demo/search?q=${encodeURIComponent(q)}`,
    body: `<h1>Results for “${esc(q)}”</h1>
<p class="muted result-count">${hits.length} product${hits.length === 1 ? "" : "s"} found</p>
<ul class="grid">${hits.map(card).join("")}</ul>`,
  });
}

function notFoundPage(): { status: number; html: string } {
  return {
    status: 404,
    html: layout({
      title: "Page not found",
      description: "This page does not exist.",
      canonical: "/demo",
      body: `<h1>We couldn't find that page</h1><p class="muted">The product may have been discontinued. <a href="/demo/products">See all products</a>.</p>`,
    }),
  };
}

const htmlResponse = (status: number, html: string) =>
  new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Answers one demo request: /demo, /demo/products?page=N, /demo/products/<slug>, /demo/search?q=. */
export async function demoResponse(url: URL, options: DemoOptions = {}): Promise<Response> {
  const path = url.pathname.replace(/\/+$/, "") || "/";
  if (path === "/demo") return htmlResponse(200, home());
  if (path === "/demo/search") return htmlResponse(200, searchPage(url.searchParams.get("q") ?? ""));
  if (path === "/demo/products") {
    const page = listing(Number(url.searchParams.get("page") ?? "1"));
    return htmlResponse(page.status, page.html);
  }
  const match = /^\/demo\/products\/([a-z0-9-]+)$/.exec(path);
  if (!match) return htmlResponse(404, notFoundPage().html);
  const slug = match[1]!;
  if (slug === MOVED_SLUG)
    return new Response(null, { status: 301, headers: { location: `/demo/products/${MOVED_TO}` } });
  if (slug === FAILING_SLUG) {
    return htmlResponse(
      500,
      layout({
        title: "Something went wrong",
        description: "Server error",
        canonical: "/demo",
        body: '<h1>Our stock service is not answering</h1><p class="muted">Please try again in a moment.</p>',
      }),
    );
  }
  if (slug === MISSING_SLUG) return htmlResponse(404, notFoundPage().html);
  const product = findProduct(slug);
  if (!product) return htmlResponse(404, notFoundPage().html);
  if (SLOW_SLUGS.has(slug)) await sleep(options.slowMs ?? SLOW_MS, options.signal);
  return htmlResponse(200, productPage(product));
}
