import { demoPagePaths, formatPrice, PRODUCTS } from "./catalog";

/** The origin written in demo/products.csv; seeding rewrites it to the server's real one. */
export const CSV_ORIGIN = "http://localhost:3000";

const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The demo batch: one row per demo page (48 products, then a moved, a failing and a discontinued one). */
export function demoCsv(origin: string = CSV_ORIGIN): string {
  const rows = demoPagePaths().map((path, i) => {
    const slug = path.split("/").pop()!;
    const product = PRODUCTS.find((p) => p.slug === slug);
    return [
      `FG-${String(i + 1).padStart(3, "0")}`,
      product?.name ?? slug.replace(/-/g, " "),
      `${origin}${path}`,
      product ? formatPrice(product.priceCents) : "",
    ];
  });
  return `${[["sku", "product", "url", "listed_price"], ...rows].map((r) => r.map(quote).join(",")).join("\n")}\n`;
}

/** Postcodes the goal batch ships to (any text works: the demo form echoes it). */
const POSTCODES = ["SW1A 1AA", "EH1 1YZ", "M1 1AE", "CF10 1EP"];

/**
 * The Demo's goal batch, for the goal-driven agent: what people ask of a shop, in their words, over the demo pages —
 * delivery estimates (the product page's form), stock and price, and the cheapest match of a search.
 */
export function demoGoalsCsv(origin: string = CSV_ORIGIN): string {
  const products = PRODUCTS.filter((_, i) => i % 7 === 0).slice(0, 8);
  const rows = products.flatMap((product, i) => {
    const page = `${origin}/demo/products/${product.slug}`;
    const postcode = POSTCODES[i % POSTCODES.length]!;
    return i % 2 === 0
      ? [
          [
            `G-${i + 1}`,
            page,
            "Find the delivery estimate for a 2-item order to {{postcode}}: working days and shipping cost",
            postcode,
          ],
        ]
      : [[`G-${i + 1}`, page, "Is this product in stock, and at what price?", postcode]];
  });
  const material = products[0]!.name.split(" ")[0]!.toLowerCase();
  rows.push([
    "G-search",
    `${origin}/demo/search?q=${material}`,
    `Which ${material} product is the cheapest, and what does it cost?`,
    POSTCODES[0]!,
  ]);
  return `${[["id", "url", "goal", "postcode"], ...rows].map((r) => r.map(quote).join(",")).join("\n")}\n`;
}
