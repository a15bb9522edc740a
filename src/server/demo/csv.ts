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
